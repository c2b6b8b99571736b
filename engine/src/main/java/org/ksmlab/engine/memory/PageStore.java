package org.ksmlab.engine.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Page frames: their contents ({@link FrameContents}: 4 KiB of bytes each, or a content
 * identity, as the {@link PageMode} says), a metadata record per frame ({@link FrameMeta}, which
 * in symbolic mode also holds the identity), a free list.
 *
 * <p>Invariant: a frame is either free (refcount 0, on the free list, flags 0) or allocated
 * (refcount &gt;= 1). {@link #ZERO_FRAME} is allocated at construction and never freed.
 * Not thread-safe: the kernel model is single-threaded (ksmd and workloads interleave in
 * virtual time).
 *
 * <p>Everything that reads or writes contents goes through this class (reads, writes, fills,
 * {@link #firstDifference}, {@link #hash64}), so the kernel model and the mergers run unchanged
 * in both modes. Only byte mode has bytes to hand out ({@link #segment}, {@link #chunk}): the
 * micro benchmarks of the page primitives use them.
 */
public final class PageStore implements AutoCloseable {
    /** Bytes per base page (x86-64 PAGE_SIZE). */
    public static final int PAGE_SIZE = 4096;
    /** log2(PAGE_SIZE). */
    public static final int PAGE_SHIFT = 12;
    /** Frames per off-heap chunk: 16384 frames = 64 MiB. */
    public static final int CHUNK_SHIFT = 14;
    public static final int FRAMES_PER_CHUNK = 1 << CHUNK_SHIFT;
    static final int CHUNK_MASK = FRAMES_PER_CHUNK - 1;
    /** The kernel's shared zero page. */
    public static final int ZERO_FRAME = 0;
    /**
     * Frames the model can hold at once: 2^29 - 1 (page-table entries keep 29 bits of frame
     * number), 2 TiB of pages.
     */
    public static final int MAX_FRAMES = (1 << 29) - 1;

    /** Frame flag: anonymous memory (counted in nr_anon_pages while mapped). */
    public static final int F_ANON = 1;
    /** Frame flag: a KSM page (a stable-tree node or dup), PageKsm(). */
    public static final int F_KSM = 1 << 1;
    /** Frame flag: the zero page. */
    public static final int F_ZERO = 1 << 2;
    /** Frame flag: a page-cache page of a file. */
    public static final int F_FILE = 1 << 3;
    /** Frame flag: shared memory (shmem / MAP_SHARED anonymous). */
    public static final int F_SHMEM = 1 << 4;
    /** Frame flag: merged by SKSM's MADV_MERGE: every write to it must copy. */
    public static final int F_SKSM = 1 << 5;

    private final PageMode mode;
    /** The frames' contents: bytes or identities. */
    private final FrameContents contents;
    /**
     * Per frame: references held (one per mapping pte, plus holders such as the page cache),
     * page-table entries mapping it (the kernel's mapcount), F_* flags; and the free stack.
     */
    private final FrameMeta meta;
    /** Frames ever handed out (high-water mark of frame ids). */
    private int frameLimit;
    /** Frames currently allocated, the zero frame included. */
    private int allocatedFrames;
    private final FrameFreedListener listener;

    /** Told when a frame returns to the free list, so a merger can drop it from its tables. */
    @FunctionalInterface
    public interface FrameFreedListener {
        void frameFreed(int frame, int flagsAtFree);
    }

    /** A byte-mode store that tells no one about freed frames. */
    public PageStore() {
        this(PageMode.BYTE, (frame, f) -> { });
    }

    /** A byte-mode store. */
    public PageStore(FrameFreedListener listener) {
        this(PageMode.BYTE, listener);
    }

    public PageStore(PageMode mode, FrameFreedListener listener) {
        this.mode = mode;
        // Symbolic identities live in the frames' metadata records: a walk reading a page's flags
        // and then comparing its contents takes one cache miss for both.
        this.meta = new FrameMeta(mode == PageMode.SYMBOLIC);
        this.contents = mode == PageMode.SYMBOLIC ? new SymbolicFrameContents(meta.contentsWord()) : new ByteFrameContents();
        this.listener = listener;
        int zero = allocate(F_ZERO);
        assert zero == ZERO_FRAME;
    }

    /** How this store holds contents. */
    public PageMode mode() {
        return mode;
    }

    /**
     * Allocates a zero-filled frame with refcount 1, mapcount 0 and the given flags.
     * Like the kernel's page allocator with __GFP_ZERO (anonymous faults clear the page).
     */
    public int allocate(int frameFlags) {
        int frame = meta.popFree();
        if (frame >= 0) {
            contents.clear(frame);
        } else {
            if (frameLimit == MAX_FRAMES) {
                throw new IllegalStateException("the model holds at most " + String.format("%,d", MAX_FRAMES)
                        + " page frames at once (2 TiB of pages); this run needs more");
            }
            frame = frameLimit++;
            ensureCapacity(frameLimit);
        }
        meta.allocated(frame, frameFlags);
        allocatedFrames++;
        return frame;
    }

    /** Allocates a frame and copies {@code source}'s bytes into it (a COW copy, a page-cache fill). */
    public int allocateCopy(int source, int frameFlags) {
        int frame = allocate(frameFlags);
        contents.copy(source, frame);
        return frame;
    }

    private void ensureCapacity(int frames) {
        contents.ensureFrames(frames);
        meta.ensure(frames);
    }

    /**
     * Fresh zero-filled memory of {@code bytes}, mapped as frame chunks are (mmap),
     * for measurements that compare the model's work with writing the same memory
     * ({@code WorkloadBuildBenchmark}); give it back with {@link #release}.
     */
    public static MemorySegment freshMemory(long bytes) {
        if (Mmap.AVAILABLE) {
            MemorySegment m = Mmap.map(bytes);
            if (m != null) {
                MAPPED.add(m.address());
                return m.reinterpret(bytes);
            }
        }
        return Arena.ofAuto().allocate(bytes, PAGE_SIZE);
    }

    /** Unmaps memory from {@link #freshMemory} (memory from the fallback arena is left to the collector). */
    public static void release(MemorySegment m) {
        if (MAPPED.remove(m.address())) {
            Mmap.unmap(m, m.byteSize());
        }
    }

    /** Addresses {@link #freshMemory} mapped and {@link #release} has not unmapped yet. */
    private static final java.util.Set<Long> MAPPED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** The 4096 bytes of {@code frame}, a slice of its chunk (no copy). Byte mode only. */
    public MemorySegment segment(int frame) {
        return bytes().segment(frame);
    }

    /** The chunk holding {@code frame}; with {@link #offset(int)} gives allocation-free access. Byte mode only. */
    public MemorySegment chunk(int frame) {
        return bytes().chunk(frame);
    }

    /** Byte offset of {@code frame} inside {@link #chunk(int)}. */
    public static long offset(int frame) {
        return ByteFrameContents.offset(frame);
    }

    private ByteFrameContents bytes() {
        if (contents instanceof ByteFrameContents b) {
            return b;
        }
        throw new UnsupportedOperationException("page memory is symbolic (page mode symbolic): frames carry a content identity, "
                + "not bytes; read them with readLong, firstDifference and hash64");
    }

    /**
     * Symbolic mode only: the frame's content identity, which stands for its bytes until the frame
     * is written, cleared or freed; a KSM frame is never written (see {@link #checkWritable}), so
     * its identity lasts as long as it is a KSM frame.
     * @throws UnsupportedOperationException in byte mode
     */
    public int contentIdentity(int frame) {
        return contents.identity(frame);
    }

    /** {@link #firstDifference} of {@code frameA} and the bytes {@link #contentIdentity} {@code identityB} stands for (symbolic mode only). */
    public int firstDifferenceFromIdentity(int frameA, int identityB) {
        return contents.firstDifferenceFromIdentity(frameA, identityB);
    }

    /** {@link #readByte} of the bytes {@link #contentIdentity} {@code identity} stands for (symbolic mode only). */
    public byte readByteOfIdentity(int identity, int offsetInPage) {
        return contents.readByteOfIdentity(identity, offsetInPage);
    }

    public byte readByte(int frame, int offsetInPage) {
        return contents.readByte(frame, offsetInPage);
    }

    public long readLong(int frame, int offsetInPage) {
        return contents.readLong(frame, offsetInPage);
    }

    public void writeByte(int frame, int offsetInPage, byte value) {
        checkWritable(frame);
        contents.writeByte(frame, offsetInPage, value);
    }

    public void writeLong(int frame, int offsetInPage, long value) {
        checkWritable(frame);
        contents.writeLong(frame, offsetInPage, value);
    }

    /** Fills the whole page with {@code value} repeated (a memset of 8-byte words). */
    public void fillLong(int frame, long value) {
        checkWritable(frame);
        contents.fillLong(frame, value);
    }

    /** Makes the page all zeros. */
    public void fillZero(int frame) {
        fillLong(frame, 0);
    }

    /** Makes the page the {@link PagePattern} of {@code key}. */
    public void fillPattern(int frame, long key) {
        checkWritable(frame);
        contents.fillPattern(frame, key);
    }

    /**
     * Makes the page the {@link PagePattern} of content {@code id} of a run seeded {@code seed}
     * (key {@link PagePattern#key}): what workloads write. A symbolic store codes such contents
     * in its frame slot alone when the seed is its first one and the id is below 2^31 - 1.
     */
    public void fillPattern(int frame, long seed, long id) {
        checkWritable(frame);
        contents.fillPattern(frame, seed, id);
    }

    /**
     * The offset of the first byte at which two frames differ, -1 when their 4096 bytes are
     * equal: {@link PageCompare#best()} over the bytes, or the identities' exact answer.
     */
    public int firstDifference(int frameA, int frameB) {
        return contents.firstDifference(frameA, frameB);
    }

    /** memcmp order of two frames: negative, zero or positive as {@code a} sorts before, equal to or after {@code b}. */
    public int compare(int frameA, int frameB) {
        int at = firstDifference(frameA, frameB);
        return at < 0 ? 0 : Byte.toUnsignedInt(readByte(frameA, at)) - Byte.toUnsignedInt(readByte(frameB, at));
    }

    /** The 64-bit hash {@code algorithm} gives the frame's 4096 bytes. */
    public long hash64(int frame, PageChecksum algorithm) {
        return contents.hash64(frame, algorithm);
    }

    /** xxh64 with seed 0 of the frame's bytes (the kernel's calc_checksum before truncation to u32). */
    public long hash64(int frame) {
        return contents.hash64(frame, PageChecksum.XXH64);
    }

    private void checkWritable(int frame) {
        // VM_BUG_ON: the zero page and merged pages are write-protected everywhere; a store to
        // them means a fault path forgot to copy.
        int f = meta.flags(frame);
        if ((f & (F_ZERO | F_KSM | F_SKSM)) != 0) {
            throw new IllegalStateException("write to a shared read-only frame " + frame + " flags=" + f);
        }
    }

    /** Takes a reference (get_page). */
    public void get(int frame) {
        meta.setCounts(frame, meta.refcount(frame) + 1, meta.mapcount(frame));
    }

    /**
     * Drops a reference (put_page); the frame is freed when the last reference goes.
     * The zero frame is never freed.
     */
    public void put(int frame) {
        // Check before decrementing: a failed put must leave the frame as it was (a free frame
        // stays at refcount 0 instead of going to -1 and looking allocated to nobody).
        int r = refcount(frame) - 1;
        if (r < 0) {
            throw new IllegalStateException("refcount underflow on frame " + frame);
        }
        if (r == 0 && frame == ZERO_FRAME) {
            throw new IllegalStateException("zero frame reference dropped to 0");
        }
        if (r > 0) {
            meta.setCounts(frame, r, meta.mapcount(frame));
            return;
        }
        int f = meta.flags(frame);
        meta.pushFree(frame);
        allocatedFrames--;
        listener.frameFreed(frame, f);
        contents.release(frame);
    }

    /** See {@link #mapcountChanges()}. */
    private long mapcountChanges;

    public int refcount(int frame) { return frame >= frameLimit ? 0 : meta.refcount(frame); }
    public int mapcount(int frame) { return frame >= frameLimit ? 0 : meta.mapcount(frame); }
    public void incMapcount(int frame) {
        meta.setCounts(frame, meta.refcount(frame), meta.mapcount(frame) + 1);
        mapcountChanges++;
    }
    public void decMapcount(int frame) {
        int m = meta.mapcount(frame);
        if (m == 0) {
            throw new IllegalStateException("mapcount underflow on frame " + frame);
        }
        meta.setCounts(frame, meta.refcount(frame), m - 1);
        mapcountChanges++;
    }

    /**
     * How many times any frame's mapcount changed so far: a figure computed from mapcounts
     * can be kept while this stands still (SKSM's sksm_pages_sharing is, per sample).
     */
    public long mapcountChanges() { return mapcountChanges; }
    public int flags(int frame) { return frame >= frameLimit ? 0 : meta.flags(frame); }
    public boolean hasFlag(int frame, int flag) { return (meta.flags(frame) & flag) != 0; }
    public void setFlag(int frame, int flag) { meta.setFlags(frame, meta.flags(frame) | flag); }
    public void clearFlag(int frame, int flag) { meta.setFlags(frame, meta.flags(frame) & ~flag); }
    public boolean isFree(int frame) { return frame >= frameLimit || meta.isFreeSlot(frame) || meta.refcount(frame) == 0; }

    /** Frames currently allocated (zero frame included). */
    public int allocatedFrames() { return allocatedFrames; }
    /** One past the highest frame id ever allocated. */
    public int frameLimit() { return frameLimit; }
    /** Bytes reserved for frame contents: off-heap chunks (byte mode), identity entries (symbolic; their slots are in {@link #metadataBytes}). */
    public long reservedBytes() { return contents.reservedBytes(); }
    /** Bytes reserved for the frames' metadata records (counts, flags, free list; in symbolic mode the identity slots too). */
    public long metadataBytes() { return meta.reservedBytes(); }
    /** Frames whose counts did not fit their packed int (tests). */
    int spilledFrames() { return meta.spilledFrames(); }

    @Override
    public void close() {
        contents.close();
        meta.close();
    }
}
