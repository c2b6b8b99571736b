package org.ksmlab.engine.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * A growable array of ints, bytes or longs off the Java heap, for the model's per-page state
 * (frame metadata, page-table entries, rmap_items, tree links): chunks of
 * {@value #CHUNK_BYTES} bytes mapped from the host kernel on demand ({@link Mmap}: zeroed
 * lazily, so an untouched tail costs no memory), never moved when the array grows. Elements
 * read as 0 until written.
 *
 * <p>Why off the heap: at hundreds of millions of pages these arrays are most of the model's
 * memory; on the heap they would need the JVM's heap sized for them (and a copy of the whole
 * array at each doubling), and the process's resident memory would include the collector's
 * headroom. Here the resident memory is what the arrays touch, which is what
 * {@code bytes per page} measures.
 *
 * <p>Not thread-safe (the model is single-threaded). {@link #close} unmaps the chunks; the array
 * must not be used after it.
 */
public final class OffHeapArray implements AutoCloseable {
    /** Bytes per chunk: 4 MiB. */
    public static final int CHUNK_BYTES = 1 << 22;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;

    private final int shift;
    private final int perChunkShift;
    private final int mask;
    private MemorySegment[] chunks = new MemorySegment[4];
    private int chunkCount;
    /** Fallback memory where mmap is not available (not Linux, no native access). */
    private Arena arena;

    private OffHeapArray(int elementBytes) {
        this.shift = Integer.numberOfTrailingZeros(elementBytes);
        this.perChunkShift = Integer.numberOfTrailingZeros(CHUNK_BYTES) - shift;
        this.mask = (1 << perChunkShift) - 1;
    }

    /** An array of ints. */
    public static OffHeapArray ints() {
        return new OffHeapArray(Integer.BYTES);
    }

    /** An array of bytes. */
    public static OffHeapArray bytes() {
        return new OffHeapArray(1);
    }

    /** An array of longs. */
    public static OffHeapArray longs() {
        return new OffHeapArray(Long.BYTES);
    }

    /** Makes indices below {@code size} addressable. */
    public void ensure(long size) {
        long needed = (size + mask) >>> perChunkShift;
        while (chunkCount < needed) {
            if (chunkCount == chunks.length) {
                chunks = Arrays.copyOf(chunks, chunks.length * 2);
            }
            chunks[chunkCount] = allocateChunk(chunkCount > 0);
            chunkCount++;
        }
    }

    /**
     * A new chunk. Every chunk but an array's first is asked for huge pages: a large array is
     * read at random (a tree walk, the pages of other mms), where 4 KiB pages would cost a TLB
     * miss on nearly every read, while the many small arrays of small models keep faulting in
     * 4 KiB at a time rather than 2 MiB.
     */
    private MemorySegment allocateChunk(boolean hugePages) {
        if (Mmap.AVAILABLE) {
            MemorySegment m = hugePages ? Mmap.mapHuge(CHUNK_BYTES) : Mmap.map(CHUNK_BYTES);
            if (m != null) {
                return m.reinterpret(CHUNK_BYTES); // global scope: unmapped by close()
            }
        }
        if (arena == null) {
            arena = Arena.ofShared();
        }
        return arena.allocate(CHUNK_BYTES, 4096);
    }

    /** Elements addressable without growing. */
    public long capacity() {
        return (long) chunkCount << perChunkShift;
    }

    /** Bytes mapped for the array (an upper bound of what it keeps resident). */
    public long reservedBytes() {
        return (long) chunkCount * CHUNK_BYTES;
    }

    private MemorySegment chunk(long i) {
        return chunks[(int) (i >>> perChunkShift)];
    }

    private long offset(long i) {
        return (i & mask) << shift;
    }

    public int getInt(long i) {
        return chunk(i).get(INT, offset(i));
    }

    public void setInt(long i, int v) {
        chunk(i).set(INT, offset(i), v);
    }

    public byte getByte(long i) {
        return chunk(i).get(ValueLayout.JAVA_BYTE, offset(i));
    }

    public void setByte(long i, byte v) {
        chunk(i).set(ValueLayout.JAVA_BYTE, offset(i), v);
    }

    public long getLong(long i) {
        return chunk(i).get(LONG, offset(i));
    }

    public void setLong(long i, long v) {
        chunk(i).set(LONG, offset(i), v);
    }

    /** Sets {@code count} ints from {@code from} to {@code v}. */
    public void fillInts(long from, long count, int v) {
        for (long i = from; i < from + count; i++) {
            setInt(i, v);
        }
    }

    @Override
    public void close() {
        for (int c = 0; c < chunkCount; c++) {
            if (arena == null || !chunks[c].scope().equals(arena.scope())) {
                Mmap.unmap(chunks[c], CHUNK_BYTES);
            }
        }
        chunkCount = 0;
        chunks = new MemorySegment[4];
        if (arena != null) {
            arena.close();
            arena = null;
        }
    }
}
