package org.ksmlab.engine.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@link PageCompare} contract (the kernel's {@code memcmp_pages}), run against every
 * implementation: scalar, vector and the JDK's mismatch. Lucene's {@code TestVectorUtilSupport}
 * style: first differences at 0, 1 and around the vector lane boundary, and a randomized
 * cross-check of all implementations against each other and a byte-at-a-time oracle.
 */
class PageCompareContractTest {
    private static final int PAGE = PageStore.PAGE_SIZE;
    /** Bytes per Vector API step on this CPU (64 with AVX-512). */
    private static final int LANE = VectorPageCompare.lanes();

    private static Arena arena;
    /** Three pages and some slack, so pages can sit at unaligned, non-zero offsets. */
    private static MemorySegment scratch;

    @BeforeAll
    static void allocate() {
        arena = Arena.ofConfined();
        scratch = arena.allocate(3L * PAGE + 256, 64);
    }

    @AfterAll
    static void release() {
        arena.close();
    }

    static Stream<Arguments> implementations() {
        return Stream.of(PageCompare.scalar(), PageCompare.vector(), PageCompare.mismatch())
                .map(c -> Arguments.of(Named.of(c.name(), c)));
    }

    /** Implementations crossed with first-difference positions 0, 1, lane-1, lane, lane+1, 2048, 4095. */
    static Stream<Arguments> implementationsAndPositions() {
        int[] positions = IntStream.of(0, 1, LANE - 1, LANE, LANE + 1, 2048, PAGE - 1).distinct().toArray();
        return implementations().flatMap(impl -> IntStream.of(positions)
                .mapToObj(p -> Arguments.of(impl.get()[0], p)));
    }

    private static void fillRandom(MemorySegment seg, long offset, SplittableRandom rnd) {
        for (int i = 0; i < PAGE; i++) {
            seg.set(ValueLayout.JAVA_BYTE, offset + i, (byte) rnd.nextInt(256));
        }
    }

    private static void setByte(MemorySegment seg, long offset, int value) {
        seg.set(ValueLayout.JAVA_BYTE, offset, (byte) value);
    }

    private static byte getByte(MemorySegment seg, long offset) {
        return seg.get(ValueLayout.JAVA_BYTE, offset);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void equalPagesShouldHaveNoDifferenceAndCompareZero(PageCompare cmp) {
        long a = 0;
        long b = PAGE + 64;
        fillRandom(scratch, a, new SplittableRandom(1));
        MemorySegment.copy(scratch, a, scratch, b, PAGE);
        assertEquals(-1, cmp.firstDifference(scratch, a, scratch, b));
        assertEquals(0, cmp.compare(scratch, a, scratch, b));
        assertEquals(-1, cmp.firstDifference(scratch, a, scratch, a), "a page equals itself");

        try (PageStore store = new PageStore()) {
            int z = store.allocate(PageStore.F_ANON);
            assertTrue(cmp.same(store, PageStore.ZERO_FRAME, z), "a fresh frame equals the zero frame");
            assertEquals(0, cmp.compare(store, PageStore.ZERO_FRAME, z));
        }
    }

    @ParameterizedTest(name = "{0} differs first at {1}")
    @MethodSource("implementationsAndPositions")
    void firstDifferenceShouldBeTheExactByteIndex(PageCompare cmp, int position) {
        long a = 0;
        long b = PAGE;
        fillRandom(scratch, a, new SplittableRandom(position));
        MemorySegment.copy(scratch, a, scratch, b, PAGE);
        // Differ at `position`, and also at every later byte, so only the first one may be reported.
        for (int i = position; i < PAGE; i++) {
            setByte(scratch, b + i, ~getByte(scratch, a + i));
        }
        assertEquals(position, cmp.firstDifference(scratch, a, scratch, b));
        assertEquals(position, cmp.firstDifference(scratch, b, scratch, a));

        // Only `position` differs.
        MemorySegment.copy(scratch, a, scratch, b, PAGE);
        setByte(scratch, b + position, getByte(scratch, a + position) ^ 0x01);
        assertEquals(position, cmp.firstDifference(scratch, a, scratch, b));
    }

    @ParameterizedTest(name = "{0} differs first at {1}")
    @MethodSource("implementationsAndPositions")
    void compareShouldOrderBytesUnsignedLikeMemcmp(PageCompare cmp, int position) {
        long a = 0;
        long b = PAGE;
        scratch.asSlice(a, PAGE).fill((byte) 0x33);
        scratch.asSlice(b, PAGE).fill((byte) 0x33);
        // 0x80 is -128 as a Java byte but 128 to memcmp: it sorts after 0x7f.
        setByte(scratch, a + position, 0x80);
        setByte(scratch, b + position, 0x7f);
        // Later bytes pointing the other way must not matter.
        if (position + 1 < PAGE) {
            setByte(scratch, a + position + 1, 0x00);
            setByte(scratch, b + position + 1, 0xff);
        }
        assertTrue(cmp.compare(scratch, a, scratch, b) > 0, "0x80 sorts after 0x7f");
        assertTrue(cmp.compare(scratch, b, scratch, a) < 0, "0x7f sorts before 0x80");

        setByte(scratch, a + position, 0xff);
        setByte(scratch, b + position, 0x00);
        assertTrue(cmp.compare(scratch, a, scratch, b) > 0, "0xff sorts after 0x00");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void pagesAtUnalignedOffsetsShouldCompareByTheirOwnBytes(PageCompare cmp) {
        long a = 13;              // not 8-, 16- or 64-byte aligned
        long b = PAGE + 13 + 29;  // a different misalignment from a
        fillRandom(scratch, a, new SplittableRandom(7));
        MemorySegment.copy(scratch, a, scratch, b, PAGE);
        // Bytes just outside the pages differ: they must not be read.
        setByte(scratch, a - 1, 1);
        setByte(scratch, b - 1, 2);
        setByte(scratch, a + PAGE, 3);
        setByte(scratch, b + PAGE, 4);
        assertEquals(-1, cmp.firstDifference(scratch, a, scratch, b));
        setByte(scratch, b + LANE + 3, getByte(scratch, a + LANE + 3) ^ 0x40);
        assertEquals(LANE + 3, cmp.firstDifference(scratch, a, scratch, b));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void heapSegmentsShouldCompareLikeNativeOnes(PageCompare cmp) {
        byte[] x = new byte[PAGE + 8];
        byte[] y = new byte[PAGE];
        new SplittableRandom(3).nextBytes(x);
        System.arraycopy(x, 8, y, 0, PAGE);
        MemorySegment a = MemorySegment.ofArray(x);
        MemorySegment b = MemorySegment.ofArray(y);
        assertEquals(-1, cmp.firstDifference(a, 8, b, 0));
        y[1000] = (byte) (x[1008] ^ 0x10);
        assertEquals(1000, cmp.firstDifference(a, 8, b, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void framesInsideAChunkAndInDifferentChunksShouldCompare(PageCompare cmp) {
        try (PageStore store = new PageStore()) {
            // Frames 1 .. FRAMES_PER_CHUNK: the last one lands in the second chunk.
            int[] frames = new int[PageStore.FRAMES_PER_CHUNK];
            for (int i = 0; i < frames.length; i++) {
                frames[i] = store.allocate(PageStore.F_ANON);
            }
            int inFirst = frames[4];                      // offset 5 pages into chunk 0
            int alsoFirst = frames[1000];                 // offset 1001 pages into chunk 0
            int inSecond = frames[frames.length - 1];     // offset 0 in chunk 1
            assertEquals(1, inSecond >>> PageStore.CHUNK_SHIFT, "test setup: frame is in the second chunk");
            assertTrue(PageStore.offset(inFirst) > 0 && PageStore.offset(alsoFirst) > 0);

            SplittableRandom rnd = new SplittableRandom(11);
            for (int i = 0; i < PAGE; i += 8) {
                long v = rnd.nextLong();
                store.writeLong(inFirst, i, v);
                store.writeLong(alsoFirst, i, v);
                store.writeLong(inSecond, i, v);
            }
            assertTrue(cmp.same(store, inFirst, alsoFirst));
            assertTrue(cmp.same(store, inFirst, inSecond));
            assertEquals(0, cmp.compare(store, inSecond, alsoFirst));

            store.writeByte(inSecond, 4095, (byte) (store.readByte(inFirst, 4095) ^ 0x80));
            assertEquals(4095, cmp.firstDifference(store.chunk(inFirst), PageStore.offset(inFirst),
                    store.chunk(inSecond), PageStore.offset(inSecond)));
            int expectedSign = Integer.signum(Byte.toUnsignedInt(store.readByte(inFirst, 4095))
                    - Byte.toUnsignedInt(store.readByte(inSecond, 4095)));
            assertEquals(expectedSign, Integer.signum(cmp.compare(store, inFirst, inSecond)));
            assertEquals(-expectedSign, Integer.signum(cmp.compare(store, inSecond, inFirst)));
        }
    }

    /** Byte at a time, unsigned: the definition the implementations must agree with. */
    private static int oracleFirstDifference(MemorySegment s, long a, long b) {
        for (int i = 0; i < PAGE; i++) {
            if (getByte(s, a + i) != getByte(s, b + i)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void allImplementationsShouldAgreeOnRandomPagePairs() {
        List<PageCompare> impls = new ArrayList<>(List.of(PageCompare.scalar(), PageCompare.vector(), PageCompare.mismatch()));
        SplittableRandom rnd = new SplittableRandom(0x5EEDL);
        int pairs = 4000;
        int equalSeen = 0;
        for (int n = 0; n < pairs; n++) {
            // Random offsets (aligned or not) so every alignment combination appears.
            long a = rnd.nextInt(128);
            long b = PAGE + 128 + rnd.nextInt(128);
            if (n % 64 == 0) {
                fillRandom(scratch, a, rnd);
            } else {
                // Cheaper than a full refill: the previous page shifted a little is still random enough.
                for (int k = 0; k < 16; k++) {
                    setByte(scratch, a + rnd.nextInt(PAGE), rnd.nextInt(256));
                }
            }
            MemorySegment.copy(scratch, a, scratch, b, PAGE);
            int kind = rnd.nextInt(10);
            if (kind > 0) {
                // First difference anywhere, biased toward lane and word boundaries.
                int at = kind < 4 ? rnd.nextInt(PAGE)
                        : Math.min(PAGE - 1, Math.max(0, (rnd.nextInt(PAGE / LANE) * LANE) + rnd.nextInt(-1, 2)));
                setByte(scratch, b + at, getByte(scratch, a + at) ^ (1 + rnd.nextInt(255)));
                int extra = rnd.nextInt(4);
                for (int k = 0; k < extra && at + 1 < PAGE; k++) {
                    int later = at + 1 + rnd.nextInt(PAGE - at - 1);
                    setByte(scratch, b + later, rnd.nextInt(256));
                }
            }
            int expected = oracleFirstDifference(scratch, a, b);
            if (expected < 0) {
                equalSeen++;
            }
            int expectedSign = expected < 0 ? 0
                    : Integer.signum(Byte.toUnsignedInt(getByte(scratch, a + expected)) - Byte.toUnsignedInt(getByte(scratch, b + expected)));
            for (PageCompare c : impls) {
                String where = c.name() + " pair " + n + " (a@" + a + ", b@" + b + ")";
                assertEquals(expected, c.firstDifference(scratch, a, scratch, b), where);
                assertEquals(expectedSign, Integer.signum(c.compare(scratch, a, scratch, b)), where);
                assertEquals(-expectedSign, Integer.signum(c.compare(scratch, b, scratch, a)), where);
            }
        }
        assertTrue(equalSeen > pairs / 20, "the random mix includes equal pages: " + equalSeen);
    }

    @Test
    void bestShouldBeVectorWhenTheModuleIsResolved() {
        // Surefire starts test JVMs with --add-modules=jdk.incubator.vector.
        assertTrue(PageCompareSelector.vectorModulePresent());
        assertEquals("vector", PageCompare.best().name());
    }

    @Test
    void bestShouldFallBackToScalarWithoutTheVectorModule() throws IOException, InterruptedException {
        // A fresh JVM without --add-modules: linking the vector class would throw NoClassDefFoundError.
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                BestPageCompareProbe.class.getName())
                .redirectErrorStream(false)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        assertEquals("scalar", new String(out, StandardCharsets.UTF_8).strip(), err);
        assertTrue(err.contains("falls back to scalar"), "the fallback says why: " + err);
    }
}
