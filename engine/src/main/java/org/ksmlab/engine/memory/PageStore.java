package org.ksmlab.engine.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;

/**
 * Page frames: off-heap contents in growing chunks, struct-of-arrays metadata, a free list.
 *
 * <p>Invariant: a frame is either free (refcount 0, on the free list, flags 0) or allocated
 * (refcount &gt;= 1). {@link #ZERO_FRAME} is allocated at construction and never freed.
 * Not thread-safe: the kernel model is single-threaded (ksmd and workloads interleave in
 * virtual time).
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

    private final Arena arena = Arena.ofShared();
    private MemorySegment[] chunks = new MemorySegment[4];
    private int chunkCount;
    /** References held on each frame: one per mapping pte, plus holders such as the page cache. */
    private int[] refcount = new int[FRAMES_PER_CHUNK];
    /** Page-table entries mapping each frame (the kernel's mapcount). */
    private int[] mapcount = new int[FRAMES_PER_CHUNK];
    /** F_* flags of each frame. */
    private int[] flags = new int[FRAMES_PER_CHUNK];
    /** Stack of free frame ids. */
    private int[] freeList = new int[1024];
    private int freeCount;
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

    public PageStore() {
        this((frame, f) -> { });
    }

    public PageStore(FrameFreedListener listener) {
        this.listener = listener;
        int zero = allocate(F_ZERO);
        assert zero == ZERO_FRAME;
    }

    /**
     * Allocates a zero-filled frame with refcount 1, mapcount 0 and the given flags.
     * Like the kernel's page allocator with __GFP_ZERO (anonymous faults clear the page).
     */
    public int allocate(int frameFlags) {
        int frame;
        if (freeCount > 0) {
            frame = freeList[--freeCount];
            segment(frame).fill((byte) 0);
        } else {
            frame = frameLimit++;
            ensureCapacity(frameLimit);
        }
        refcount[frame] = 1;
        mapcount[frame] = 0;
        flags[frame] = frameFlags;
        allocatedFrames++;
        return frame;
    }

    /** Allocates a frame and copies {@code source}'s bytes into it (a COW copy, a page-cache fill). */
    public int allocateCopy(int source, int frameFlags) {
        int frame = allocate(frameFlags);
        MemorySegment.copy(segment(source), 0, segment(frame), 0, PAGE_SIZE);
        return frame;
    }

    private void ensureCapacity(int frames) {
        int neededChunks = (frames + CHUNK_MASK) >>> CHUNK_SHIFT;
        while (chunkCount < neededChunks) {
            if (chunkCount == chunks.length) {
                chunks = Arrays.copyOf(chunks, chunks.length * 2);
            }
            chunks[chunkCount++] = allocateChunk();
        }
        if (frames > refcount.length) {
            int n = Math.max(frames, refcount.length * 2);
            refcount = Arrays.copyOf(refcount, n);
            mapcount = Arrays.copyOf(mapcount, n);
            flags = Arrays.copyOf(flags, n);
        }
    }

    /**
     * One chunk of frame memory, zero-filled. On Linux it comes from an anonymous mmap, so the
     * host kernel zeroes pages lazily on first touch and an unused tail costs nothing (an
     * Arena allocation would memset all 64 MiB up front); elsewhere from the arena. The host's
     * page faults on first touch are most of a large workload's build (WorkloadBuildBenchmark:
     * building is 1.2 times one bulk fill of the same fresh memory). Tried and left out, measured
     * on the development machine: MADV_HUGEPAGE (2 MiB faults; fills of 192 ms to 1.7 s for the
     * same GiB, the host compacting memory at random) and MADV_POPULATE_WRITE (steady, but 1.46
     * times slower than faulting on demand).
     */
    private MemorySegment allocateChunk() {
        long size = (long) FRAMES_PER_CHUNK * PAGE_SIZE;
        if (Mmap.AVAILABLE) {
            MemorySegment m = Mmap.map(size);
            if (m != null) {
                return m.reinterpret(size, arena, seg -> Mmap.unmap(seg, size));
            }
        }
        return arena.allocate(size, PAGE_SIZE);
    }

    /**
     * Fresh zero-filled memory of {@code bytes}, mapped as frame chunks are (mmap, MADV_HUGEPAGE),
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

    /** mmap/munmap through the foreign function API. */
    private static final class Mmap {
        private static final int PROT_READ_WRITE = 0x3;
        private static final int MAP_PRIVATE_ANONYMOUS_NORESERVE = 0x02 | 0x20 | 0x4000;
        private static final MethodHandle MMAP;
        private static final MethodHandle MUNMAP;
        static final boolean AVAILABLE;

        static {
            MethodHandle mmap = null;
            MethodHandle munmap = null;
            try {
                if (System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
                    Linker linker = Linker.nativeLinker();
                    mmap = linker.downcallHandle(linker.defaultLookup().find("mmap").orElseThrow(),
                            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
                    munmap = linker.downcallHandle(linker.defaultLookup().find("munmap").orElseThrow(),
                            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
                }
            } catch (RuntimeException | LinkageError e) {
                mmap = null; // no native access: fall back to arena allocation
            }
            MMAP = mmap;
            MUNMAP = munmap;
            AVAILABLE = mmap != null;
        }

        static MemorySegment map(long size) {
            try {
                MemorySegment m = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, size, PROT_READ_WRITE,
                        MAP_PRIVATE_ANONYMOUS_NORESERVE, -1, 0L);
                if (m.address() == -1L) {
                    return null; // MAP_FAILED
                }
                return m;
            } catch (Throwable t) {
                return null;
            }
        }

        static void unmap(MemorySegment seg, long size) {
            try {
                int rc = (int) MUNMAP.invokeExact(seg, size);
                assert rc == 0;
            } catch (Throwable t) {
                throw new IllegalStateException("munmap failed", t);
            }
        }
    }

    /** The 4096 bytes of {@code frame}, a slice of its chunk (no copy). */
    public MemorySegment segment(int frame) {
        return chunks[frame >>> CHUNK_SHIFT].asSlice((long) (frame & CHUNK_MASK) << PAGE_SHIFT, PAGE_SIZE);
    }

    /** The chunk holding {@code frame}; with {@link #offset(int)} gives allocation-free access. */
    public MemorySegment chunk(int frame) {
        return chunks[frame >>> CHUNK_SHIFT];
    }

    /** Byte offset of {@code frame} inside {@link #chunk(int)}. */
    public static long offset(int frame) {
        return (long) (frame & CHUNK_MASK) << PAGE_SHIFT;
    }

    public byte readByte(int frame, int offsetInPage) {
        return chunk(frame).get(ValueLayout.JAVA_BYTE, offset(frame) + offsetInPage);
    }

    public long readLong(int frame, int offsetInPage) {
        return chunk(frame).get(ValueLayout.JAVA_LONG_UNALIGNED, offset(frame) + offsetInPage);
    }

    public void writeByte(int frame, int offsetInPage, byte value) {
        checkWritable(frame);
        chunk(frame).set(ValueLayout.JAVA_BYTE, offset(frame) + offsetInPage, value);
    }

    public void writeLong(int frame, int offsetInPage, long value) {
        checkWritable(frame);
        chunk(frame).set(ValueLayout.JAVA_LONG_UNALIGNED, offset(frame) + offsetInPage, value);
    }

    /** Fills the whole page with {@code value} repeated (a memset of 8-byte words). */
    public void fillLong(int frame, long value) {
        checkWritable(frame);
        MemorySegment c = chunk(frame);
        long base = offset(frame);
        for (int i = 0; i < PAGE_SIZE; i += 8) {
            c.set(ValueLayout.JAVA_LONG_UNALIGNED, base + i, value);
        }
    }

    private void checkWritable(int frame) {
        // VM_BUG_ON: the zero page and merged pages are write-protected everywhere; a store to
        // them means a fault path forgot to copy.
        if ((flags[frame] & (F_ZERO | F_KSM | F_SKSM)) != 0) {
            throw new IllegalStateException("write to a shared read-only frame " + frame + " flags=" + flags[frame]);
        }
    }

    /** Takes a reference (get_page). */
    public void get(int frame) {
        refcount[frame]++;
    }

    /**
     * Drops a reference (put_page); the frame is freed when the last reference goes.
     * The zero frame is never freed.
     */
    public void put(int frame) {
        // Check before decrementing: a failed put must leave the frame as it was (a free frame
        // stays at refcount 0 instead of going to -1 and looking allocated to nobody).
        int r = refcount[frame] - 1;
        if (r < 0) {
            throw new IllegalStateException("refcount underflow on frame " + frame);
        }
        if (r == 0 && frame == ZERO_FRAME) {
            throw new IllegalStateException("zero frame reference dropped to 0");
        }
        refcount[frame] = r;
        if (r == 0) {
            int f = flags[frame];
            flags[frame] = 0;
            mapcount[frame] = 0;
            allocatedFrames--;
            if (freeCount == freeList.length) {
                freeList = Arrays.copyOf(freeList, freeList.length * 2);
            }
            freeList[freeCount++] = frame;
            listener.frameFreed(frame, f);
        }
    }

    public int refcount(int frame) { return refcount[frame]; }
    public int mapcount(int frame) { return mapcount[frame]; }
    public void incMapcount(int frame) { mapcount[frame]++; }
    public void decMapcount(int frame) {
        if (mapcount[frame] == 0) {
            throw new IllegalStateException("mapcount underflow on frame " + frame);
        }
        mapcount[frame]--;
    }
    public int flags(int frame) { return flags[frame]; }
    public boolean hasFlag(int frame, int flag) { return (flags[frame] & flag) != 0; }
    public void setFlag(int frame, int flag) { flags[frame] |= flag; }
    public void clearFlag(int frame, int flag) { flags[frame] &= ~flag; }
    public boolean isFree(int frame) { return frame >= frameLimit || refcount[frame] == 0; }

    /** Frames currently allocated (zero frame included). */
    public int allocatedFrames() { return allocatedFrames; }
    /** One past the highest frame id ever allocated. */
    public int frameLimit() { return frameLimit; }
    /** Off-heap bytes reserved for frame contents. */
    public long reservedBytes() { return (long) chunkCount * FRAMES_PER_CHUNK * PAGE_SIZE; }

    @Override
    public void close() {
        arena.close();
    }
}
