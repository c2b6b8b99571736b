package org.ksmlab.engine.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden values for {@link PageChecksum}, produced by programs independent of the Java code.
 *
 * <p>Pages (4096 bytes each):
 * <ul>
 * <li>{@code zero}: all bytes 0;</li>
 * <li>{@code index}: byte i is {@code i & 0xff};</li>
 * <li>{@code lcg42}: Knuth's MMIX LCG, {@code x(0) = 42},
 *     {@code x(n+1) = x(n) * 6364136223846793005 + 1442695040888963407 mod 2^64}, and byte i is
 *     the top byte of {@code x(i+1)} (so the page starts {@code 91 39 69 a1 ae 06 05 27}).</li>
 * </ul>
 *
 * <p>xxh64 and XXH3 come from Debian bookworm's {@code xxhash} package (xxhsum 0.8.1, the C
 * reference implementation), run on files holding those pages:
 * <pre>
 * apt-get install -y xxhash
 * python3 gen.py                       # the script below: writes zero.bin index.bin lcg42.bin
 * xxhsum -H64 zero.bin index.bin lcg42.bin   # xxh64, seed 0
 * xxhsum -H3  zero.bin index.bin lcg42.bin   # XXH3_64bits, seed 0
 * </pre>
 * xxhsum prints the canonical (big-endian) form, which reads as the 64-bit value in hex: its
 * output for an empty file is {@code ef46db3751d8e999} (-H64) and {@code 2d06800538d394c2} (-H3),
 * the published xxh64/XXH3 values for empty input (the {@code --little-endian} flag would print
 * {@code 99e9d85137db46ef} instead).
 *
 * <p>CRC32C comes from a table-driven Python 3 implementation (reflected polynomial
 * {@code 0x82F63B78}, initial value and final xor {@code 0xFFFFFFFF}; it gives the standard check
 * value {@code e3069283} for "123456789"):
 * <pre>
 * PAGE = 4096
 * def lcg_page(seed):
 *     x = seed; out = bytearray(PAGE)
 *     for i in range(PAGE):
 *         x = (x * 6364136223846793005 + 1442695040888963407) &amp; 0xFFFFFFFFFFFFFFFF
 *         out[i] = x &gt;&gt; 56
 *     return bytes(out)
 * pages = {"zero": bytes(PAGE), "index": bytes(i &amp; 0xff for i in range(PAGE)), "lcg42": lcg_page(42)}
 * T = []
 * for n in range(256):
 *     c = n
 *     for _ in range(8):
 *         c = (c &gt;&gt; 1) ^ 0x82F63B78 if c &amp; 1 else c &gt;&gt; 1
 *     T.append(c)
 * def crc32c(data):
 *     c = 0xFFFFFFFF
 *     for b in data:
 *         c = T[(c ^ b) &amp; 0xff] ^ (c &gt;&gt; 8)
 *     return c ^ 0xFFFFFFFF
 * assert crc32c(b"123456789") == 0xE3069283
 * for name, data in pages.items():
 *     open(name + ".bin", "wb").write(data)
 *     print(f"{name} crc32c {crc32c(data):08x}")
 * </pre>
 */
class PageChecksumTest {
    private static final int PAGE = PageStore.PAGE_SIZE;

    /** Page name, xxh64 (xxhsum -H64), XXH3 (xxhsum -H3), CRC32C (Python table-driven). */
    static Stream<Arguments> goldenPages() {
        return Stream.of(
                Arguments.of("zero", 0xac869b6f32d8bbdbL, 0x93d76fe148c689baL, 0x98f94189L),
                Arguments.of("index", 0x0f6e64be186af6a4L, 0xeb4b7c3707879151L, 0x9c71fe32L),
                Arguments.of("lcg42", 0x4fa704ec05dd417cL, 0x048de4368b4ce2b3L, 0xbebf01e8L));
    }

    /** The page contents named in the class comment. */
    static byte[] page(String name) {
        byte[] p = new byte[PAGE];
        switch (name) {
            case "zero" -> { }
            case "index" -> {
                for (int i = 0; i < PAGE; i++) {
                    p[i] = (byte) i;
                }
            }
            case "lcg42" -> {
                long x = 42;
                for (int i = 0; i < PAGE; i++) {
                    x = x * 6364136223846793005L + 1442695040888963407L;
                    p[i] = (byte) (x >>> 56);
                }
            }
            default -> throw new IllegalArgumentException(name);
        }
        return p;
    }

    /** Writes a page into a frame that is not the first in its chunk (non-zero offset). */
    private static int frameHolding(PageStore store, byte[] bytes) {
        store.allocate(PageStore.F_ANON); // push the page under test away from offset 0
        int frame = store.allocate(PageStore.F_ANON);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, store.segment(frame), 0, PAGE);
        return frame;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenPages")
    void hashesShouldMatchTheReferenceImplementations(String name, long xxh64, long xxh3, long crc32c) {
        try (PageStore store = new PageStore()) {
            int frame = frameHolding(store, page(name));
            MemorySegment chunk = store.chunk(frame);
            long offset = PageStore.offset(frame);
            assertEquals(xxh64, PageChecksum.XXH64.hash64(chunk, offset), "xxh64 " + name);
            assertEquals(xxh3, PageChecksum.XXH3.hash64(chunk, offset), "xxh3 " + name);
            assertEquals(crc32c, PageChecksum.CRC32C.hash64(chunk, offset), "crc32c " + name);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenPages")
    void checksum32ShouldBeTheLow32BitsOfXxh64LikeTheKernel(String name, long xxh64, long xxh3, long crc32c) {
        // mm/ksm.c calc_checksum: u32 checksum = xxhash(addr, PAGE_SIZE, 0);
        try (PageStore store = new PageStore()) {
            int frame = frameHolding(store, page(name));
            assertEquals((int) xxh64, PageChecksum.XXH64.checksum32(store, frame));
            assertEquals((int) xxh64, PageChecksum.XXH64.checksum32(store.chunk(frame), PageStore.offset(frame)));
            assertEquals((int) xxh3, PageChecksum.XXH3.checksum32(store, frame));
            assertEquals((int) crc32c, PageChecksum.CRC32C.checksum32(store, frame));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenPages")
    void hashesShouldNotDependOnAlignment(String name, long xxh64, long xxh3, long crc32c) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(PAGE + 64, 64);
            seg.fill((byte) 0x5a); // bytes around the page must not be hashed
            long offset = 7;
            MemorySegment.copy(MemorySegment.ofArray(page(name)), 0, seg, offset, PAGE);
            assertEquals(xxh64, PageChecksum.XXH64.hash64(seg, offset));
            assertEquals(xxh3, PageChecksum.XXH3.hash64(seg, offset));
            assertEquals(crc32c, PageChecksum.CRC32C.hash64(seg, offset));
        }
    }

    @Test
    void zeroFrameShouldHashLikeTheZeroPage() {
        try (PageStore store = new PageStore()) {
            assertEquals(0xac869b6f32d8bbdbL, PageChecksum.XXH64.hash64(store.chunk(PageStore.ZERO_FRAME), 0));
        }
    }

    @Test
    void lcgPageShouldStartWithTheDocumentedBytes() {
        byte[] p = page("lcg42");
        byte[] expected = {(byte) 0x91, 0x39, 0x69, (byte) 0xa1, (byte) 0xae, 0x06, 0x05, 0x27};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], MemorySegment.ofArray(p).get(ValueLayout.JAVA_BYTE, i), "byte " + i);
        }
    }

    @Test
    void parseShouldAcceptVariantNamesInAnyCase() {
        assertEquals(PageChecksum.XXH64, PageChecksum.parse("xxh64"));
        assertEquals(PageChecksum.XXH3, PageChecksum.parse("XXH3"));
        assertEquals(PageChecksum.CRC32C, PageChecksum.parse("Crc32C"));
        assertThrows(IllegalArgumentException.class, () -> PageChecksum.parse("jhash2"));
    }
}
