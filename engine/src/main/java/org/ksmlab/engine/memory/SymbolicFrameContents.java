package org.ksmlab.engine.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * {@link PageMode#SYMBOLIC}: a frame holds a content identity, one {@code int} <em>handle</em>,
 * instead of 4096 bytes. A handle is
 * <ul>
 * <li>{@link #ZERO} (0): the all-zero page;</li>
 * <li>positive {@code h}: the {@link PagePattern} of content id {@code h - 1} of the store's
 *     direct seed (the seed of its first {@link #fillPattern(int, long, long)}): what workloads
 *     write, with no table behind it;</li>
 * <li>negative {@code h}: entry {@code ~h} of a table of {@link Content}s, for everything else:
 *     a pattern by key or of another seed or a larger id, a page filled with one word, and any of
 *     them with words written over it (a code patch, a byte store). Frames that copied one
 *     another share an entry (reference counted); a write to a shared entry copies it first.</li>
 * </ul>
 * The identity stands for exact bytes: word {@code j} of a page is its entry's override for
 * {@code j} if any, else the base's word. Reads return those words; {@link #firstDifference}
 * walks words until they differ and returns the first differing byte (memcmp's order and the
 * byte a byte compare stops at, so the bytes a compare is charged for are the same); a checksum
 * writes the page's bytes into a scratch page and hashes them with the same function byte mode
 * uses, so the values, and every checksum collision, are byte mode's. A contract test runs the
 * same operations on both modes and compares every answer.
 *
 * <p>What it costs: one int per frame plus an entry per patched or unusual page (a workload's
 * plain pages need none). Time: a compare of two different patterns stops at word 0 (two
 * mix64s a side); a checksum generates the page (512 mix64s, a vector of them at a time:
 * {@link PagePattern#fill}) and hashes it: measured here (2026-11-30, one run, a 2-vCPU guest with
 * AVX-512, another run beside it) about 0.5-0.6 µs against 1.2-1.5 µs word by word, where byte
 * mode's hash of a page in memory took 0.4 µs.
 */
final class SymbolicFrameContents implements FrameContents {
    /** Handle of the all-zero page. */
    static final int ZERO = 0;
    /** The largest content id a positive handle codes ({@code h = id + 1}). */
    static final long MAX_DIRECT_ID = Integer.MAX_VALUE - 1L;
    private static final int WORDS = PagePattern.WORDS;

    /** Handle of each frame's contents, by frame id (one int per frame, off the heap; in a store, beside the frame's flags). */
    private final FrameWord handles;
    /** The seed positive handles are ids of; set by the first fillPattern(frame, seed, id). */
    private long directSeed;
    private boolean directSeedSet;
    /** Entries of negative handles, by {@code ~h}; null where free. */
    private final List<Content> contents = new ArrayList<>();
    private int[] freeContents = new int[16];
    private int freeContentCount;
    /** One page of real bytes to hash an identity's contents in (zero-allocation-hashing reads native memory). */
    private final Arena arena = Arena.ofShared();
    private final MemorySegment scratch = arena.allocate(PageStore.PAGE_SIZE, PageStore.PAGE_SIZE);
    private final Map<PageChecksum, Long> zeroHash = new EnumMap<>(PageChecksum.class);

    /** Handles in an array of their own (tests of this class alone). */
    SymbolicFrameContents() {
        this(FrameWord.standalone());
    }

    /** Handles kept in {@code handles}, such as the second int of a store's {@link FrameMeta} records. */
    SymbolicFrameContents(FrameWord handles) {
        this.handles = handles;
    }

    /**
     * The contents behind a negative handle: a base (a pattern key, or one word repeated) and
     * the words written over it, sorted by word index, each different from the base's word.
     */
    static final class Content {
        /** true: the base is {@link PagePattern} of {@link #base}; false: every word is {@link #base}. */
        final boolean pattern;
        final long base;
        int[] at = new int[0];
        long[] value = new long[0];
        int n;
        /** Frames holding this entry. */
        int refs;

        Content(boolean pattern, long base) {
            this.pattern = pattern;
            this.base = base;
        }

        long baseWord(int j) {
            return pattern ? PagePattern.word(base, j) : base;
        }

        long word(int j) {
            int i = n == 0 ? -1 : Arrays.binarySearch(at, 0, n, j);
            return i >= 0 ? value[i] : baseWord(j);
        }

        /** Word {@code j} becomes {@code v}: an override, or none when {@code v} is the base's word. */
        void set(int j, long v) {
            int i = Arrays.binarySearch(at, 0, n, j);
            if (v == baseWord(j)) {
                if (i >= 0) {
                    System.arraycopy(at, i + 1, at, i, n - i - 1);
                    System.arraycopy(value, i + 1, value, i, n - i - 1);
                    n--;
                }
                return;
            }
            if (i >= 0) {
                value[i] = v;
                return;
            }
            int ins = -i - 1;
            if (n == at.length) {
                at = Arrays.copyOf(at, Math.max(2, n * 2));
                value = Arrays.copyOf(value, at.length);
            }
            System.arraycopy(at, ins, at, ins + 1, n - ins);
            System.arraycopy(value, ins, value, ins + 1, n - ins);
            at[ins] = j;
            value[ins] = v;
            n++;
        }

        Content copy() {
            Content c = new Content(pattern, base);
            c.at = Arrays.copyOf(at, Math.max(n, 1));
            c.value = Arrays.copyOf(value, c.at.length);
            c.n = n;
            return c;
        }
    }

    // ------------------------------------------------------------------ handles

    @Override
    public void ensureFrames(int frames) {
        handles.ensure(frames);
    }

    private int add(Content c) {
        c.refs = 1;
        int i;
        if (freeContentCount > 0) {
            i = freeContents[--freeContentCount];
            contents.set(i, c);
        } else {
            i = contents.size();
            contents.add(c);
        }
        return ~i;
    }

    private Content content(int h) {
        return contents.get(~h);
    }

    /** Drops the frame's hold on its entry (if any) and leaves it all zero. */
    @Override
    public void release(int frame) {
        int h = handles.get(frame);
        if (h < 0) {
            Content c = content(h);
            if (--c.refs == 0) {
                contents.set(~h, null);
                if (freeContentCount == freeContents.length) {
                    freeContents = Arrays.copyOf(freeContents, freeContentCount * 2);
                }
                freeContents[freeContentCount++] = ~h;
            }
        }
        handles.set(frame, ZERO);
    }

    @Override
    public void clear(int frame) {
        release(frame);
    }

    @Override
    public void copy(int from, int to) {
        release(to);
        int h = handles.get(from);
        if (h < 0) {
            content(h).refs++;
        }
        handles.set(to, h);
    }

    /** An entry only {@code frame} holds, made from its current contents, to change in place. */
    private Content own(int frame) {
        int h = handles.get(frame);
        Content c;
        if (h < 0) {
            c = content(h);
            if (c.refs == 1) {
                return c;
            }
            c.refs--;
            c = c.copy();
        } else if (h == ZERO) {
            c = new Content(false, 0);
        } else {
            c = new Content(true, PagePattern.key(directSeed, h - 1L));
        }
        handles.set(frame, add(c));
        return c;
    }

    // ------------------------------------------------------------------ words

    /** Word {@code j} of the contents of handle {@code h}. */
    private long word(int h, int j) {
        if (h == ZERO) {
            return 0;
        }
        if (h > 0) {
            return PagePattern.word(PagePattern.key(directSeed, h - 1L), j);
        }
        return content(h).word(j);
    }

    private void setWord(int frame, int j, long v) {
        if (word(handles.get(frame), j) == v) {
            return;
        }
        Content c = own(frame);
        c.set(j, v);
        if (c.n == 0 && !c.pattern && c.base == 0) {
            release(frame); // back to the plain zero page
        }
    }

    @Override
    public byte readByte(int frame, int offset) {
        return readByteOfIdentity(handles.get(frame), offset);
    }

    @Override
    public byte readByteOfIdentity(int h, int offset) {
        return (byte) (word(h, offset >>> 3) >>> ((offset & 7) * 8));
    }

    /** The frame's handle: its identity while nothing writes, clears or frees it. */
    @Override
    public int identity(int frame) {
        return handles.get(frame);
    }

    @Override
    public long readLong(int frame, int offset) {
        int h = handles.get(frame);
        int j = offset >>> 3;
        int shift = (offset & 7) * 8;
        if (shift == 0) {
            return word(h, j);
        }
        return (word(h, j) >>> shift) | (word(h, j + 1) << (64 - shift));
    }

    @Override
    public void writeByte(int frame, int offset, byte value) {
        int j = offset >>> 3;
        int shift = (offset & 7) * 8;
        long w = word(handles.get(frame), j);
        setWord(frame, j, (w & ~(0xFFL << shift)) | ((value & 0xFFL) << shift));
    }

    @Override
    public void writeLong(int frame, int offset, long value) {
        int j = offset >>> 3;
        int shift = (offset & 7) * 8;
        if (shift == 0) {
            setWord(frame, j, value);
            return;
        }
        // An unaligned store covers the high bytes of word j and the low bytes of word j + 1.
        long low = (1L << shift) - 1;
        long wj = word(handles.get(frame), j);
        long wk = word(handles.get(frame), j + 1);
        setWord(frame, j, (wj & low) | (value << shift));
        setWord(frame, j + 1, (wk & ~low) | (value >>> (64 - shift)));
    }

    @Override
    public void fillLong(int frame, long value) {
        release(frame);
        if (value != 0) {
            handles.set(frame, add(new Content(false, value)));
        }
    }

    @Override
    public void fillPattern(int frame, long key) {
        release(frame);
        handles.set(frame, add(new Content(true, key)));
    }

    @Override
    public void fillPattern(int frame, long seed, long id) {
        release(frame);
        if (!directSeedSet) {
            directSeed = seed;
            directSeedSet = true;
        }
        if (seed == directSeed && id >= 0 && id <= MAX_DIRECT_ID) {
            handles.set(frame, (int) (id + 1));
        } else {
            handles.set(frame, add(new Content(true, PagePattern.key(seed, id))));
        }
    }

    // ------------------------------------------------------------------ compare and checksum

    /**
     * The first differing byte of two identities: equal handles are equal pages; two identities
     * on the same base can differ only at overridden words; otherwise words are compared from
     * word 0 (two different patterns differ there: mix64 is a bijection).
     */
    @Override
    public int firstDifference(int a, int b) {
        return firstDifferenceFromIdentity(a, handles.get(b));
    }

    @Override
    public int firstDifferenceFromIdentity(int a, int hb) {
        int ha = handles.get(a);
        if (ha == hb) {
            return -1;
        }
        Content ca = ha < 0 ? content(ha) : null;
        Content cb = hb < 0 ? content(hb) : null;
        boolean patternA = ca != null ? ca.pattern : ha != ZERO;
        boolean patternB = cb != null ? cb.pattern : hb != ZERO;
        long baseA = ca != null ? ca.base : ha == ZERO ? 0 : PagePattern.key(directSeed, ha - 1L);
        long baseB = cb != null ? cb.base : hb == ZERO ? 0 : PagePattern.key(directSeed, hb - 1L);
        if (patternA == patternB && baseA == baseB) {
            return firstDifferenceInOverrides(ca, cb, patternA, baseA);
        }
        for (int j = 0; j < WORDS; j++) {
            long wa = word(ca, patternA, baseA, j);
            long wb = word(cb, patternB, baseB, j);
            if (wa != wb) {
                return difference(j, wa, wb);
            }
        }
        return -1;
    }

    private static long word(Content c, boolean pattern, long base, int j) {
        if (c != null && c.n > 0) {
            int i = Arrays.binarySearch(c.at, 0, c.n, j);
            if (i >= 0) {
                return c.value[i];
            }
        }
        return pattern ? PagePattern.word(base, j) : base;
    }

    /** Two identities on one base: walk the union of their overridden words in order. */
    private static int firstDifferenceInOverrides(Content ca, Content cb, boolean pattern, long base) {
        int na = ca == null ? 0 : ca.n;
        int nb = cb == null ? 0 : cb.n;
        int i = 0;
        int k = 0;
        while (i < na || k < nb) {
            int j = Math.min(i < na ? ca.at[i] : WORDS, k < nb ? cb.at[k] : WORDS);
            long wa = i < na && ca.at[i] == j ? ca.value[i++] : pattern ? PagePattern.word(base, j) : base;
            long wb = k < nb && cb.at[k] == j ? cb.value[k++] : pattern ? PagePattern.word(base, j) : base;
            if (wa != wb) {
                return difference(j, wa, wb);
            }
        }
        return -1;
    }

    /** The byte offset where little-endian words {@code wa != wb} at word {@code j} first differ. */
    private static int difference(int j, long wa, long wb) {
        return j * 8 + (Long.numberOfTrailingZeros(wa ^ wb) >>> 3);
    }

    @Override
    public long hash64(int frame, PageChecksum algorithm) {
        int h = handles.get(frame);
        if (h == ZERO) {
            return zeroHash.computeIfAbsent(algorithm, a -> {
                scratch.fill((byte) 0);
                return a.hash64(scratch, 0);
            });
        }
        materialize(h);
        return algorithm.hash64(scratch, 0);
    }

    /** Writes the bytes handle {@code h} stands for into {@link #scratch}. */
    private void materialize(int h) {
        Content c = h < 0 ? content(h) : null;
        boolean pattern = c != null ? c.pattern : true;
        long base = c != null ? c.base : PagePattern.key(directSeed, h - 1L);
        if (pattern) {
            PagePattern.fill(scratch, 0, base);
        } else {
            for (int j = 0; j < WORDS; j++) {
                scratch.set(ValueLayout.JAVA_LONG_UNALIGNED, 8L * j, base);
            }
        }
        if (c != null) {
            for (int i = 0; i < c.n; i++) {
                scratch.set(ValueLayout.JAVA_LONG_UNALIGNED, 8L * c.at[i], c.value[i]);
            }
        }
    }

    /** The handle slots (when they are this class's own) plus the entries' arrays (object headers not counted). */
    @Override
    public long reservedBytes() {
        long bytes = handles.reservedBytes();
        for (Content c : contents) {
            if (c != null) {
                bytes += 32 + (long) c.at.length * (Integer.BYTES + Long.BYTES);
            }
        }
        return bytes;
    }

    /** Live table entries (tests). */
    int contentEntries() {
        return contents.size() - freeContentCount;
    }

    @Override
    public void close() {
        arena.close();
        handles.close();
    }
}
