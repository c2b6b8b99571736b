package org.ksmlab.engine.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * {@link PageMode#BYTE}: every frame's 4096 bytes, off the Java heap in chunks of
 * {@link PageStore#FRAMES_PER_CHUNK} frames (64 MiB) that are added as frames are, never moved.
 * A frame's bytes are the slice {@code chunk[id >>> CHUNK_SHIFT]} at offset
 * {@code (id & CHUNK_MASK) * PAGE_SIZE}. Compare is {@link PageCompare#best()} over the bytes,
 * checksums hash them in place.
 */
final class ByteFrameContents implements FrameContents {
    private static final int CHUNK_SHIFT = PageStore.CHUNK_SHIFT;
    private static final int CHUNK_MASK = PageStore.CHUNK_MASK;
    private static final int PAGE_SIZE = PageStore.PAGE_SIZE;

    private final Arena arena = Arena.ofShared();
    private final PageCompare compare = PageCompare.best();
    private MemorySegment[] chunks = new MemorySegment[4];
    private int chunkCount;

    @Override
    public void ensureFrames(int frames) {
        int neededChunks = (frames + CHUNK_MASK) >>> CHUNK_SHIFT;
        while (chunkCount < neededChunks) {
            if (chunkCount == chunks.length) {
                chunks = Arrays.copyOf(chunks, chunks.length * 2);
            }
            chunks[chunkCount++] = allocateChunk();
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
        long size = (long) PageStore.FRAMES_PER_CHUNK * PAGE_SIZE;
        if (Mmap.AVAILABLE) {
            MemorySegment m = Mmap.map(size);
            if (m != null) {
                return m.reinterpret(size, arena, seg -> Mmap.unmap(seg, size));
            }
        }
        return arena.allocate(size, PAGE_SIZE);
    }

    MemorySegment chunk(int frame) {
        return chunks[frame >>> CHUNK_SHIFT];
    }

    static long offset(int frame) {
        return (long) (frame & CHUNK_MASK) << PageStore.PAGE_SHIFT;
    }

    MemorySegment segment(int frame) {
        return chunk(frame).asSlice(offset(frame), PAGE_SIZE);
    }

    @Override
    public void clear(int frame) {
        segment(frame).fill((byte) 0);
    }

    @Override
    public void copy(int from, int to) {
        MemorySegment.copy(chunk(from), offset(from), chunk(to), offset(to), PAGE_SIZE);
    }

    @Override
    public void release(int frame) {
        // The bytes stay until the frame is handed out again (allocate clears it).
    }

    @Override
    public byte readByte(int frame, int offset) {
        return chunk(frame).get(ValueLayout.JAVA_BYTE, offset(frame) + offset);
    }

    @Override
    public long readLong(int frame, int offset) {
        return chunk(frame).get(ValueLayout.JAVA_LONG_UNALIGNED, offset(frame) + offset);
    }

    @Override
    public void writeByte(int frame, int offset, byte value) {
        chunk(frame).set(ValueLayout.JAVA_BYTE, offset(frame) + offset, value);
    }

    @Override
    public void writeLong(int frame, int offset, long value) {
        chunk(frame).set(ValueLayout.JAVA_LONG_UNALIGNED, offset(frame) + offset, value);
    }

    @Override
    public void fillLong(int frame, long value) {
        MemorySegment c = chunk(frame);
        long base = offset(frame);
        for (int i = 0; i < PAGE_SIZE; i += 8) {
            c.set(ValueLayout.JAVA_LONG_UNALIGNED, base + i, value);
        }
    }

    @Override
    public void fillPattern(int frame, long key) {
        PagePattern.fill(chunk(frame), offset(frame), key);
    }

    @Override
    public void fillPattern(int frame, long seed, long id) {
        fillPattern(frame, PagePattern.key(seed, id));
    }

    @Override
    public int identity(int frame) {
        throw noIdentities();
    }

    @Override
    public int firstDifferenceFromIdentity(int a, int identityB) {
        throw noIdentities();
    }

    @Override
    public byte readByteOfIdentity(int identity, int offset) {
        throw noIdentities();
    }

    private static UnsupportedOperationException noIdentities() {
        return new UnsupportedOperationException("byte mode keeps bytes, not content identities");
    }

    @Override
    public int firstDifference(int a, int b) {
        return compare.firstDifference(chunk(a), offset(a), chunk(b), offset(b));
    }

    @Override
    public long hash64(int frame, PageChecksum algorithm) {
        return algorithm.hash64(chunk(frame), offset(frame));
    }

    @Override
    public long reservedBytes() {
        return (long) chunkCount * PageStore.FRAMES_PER_CHUNK * PAGE_SIZE;
    }

    @Override
    public void close() {
        arena.close();
    }
}
