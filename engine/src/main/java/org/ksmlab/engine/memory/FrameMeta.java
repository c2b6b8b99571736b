package org.ksmlab.engine.memory;

import java.util.HashMap;
import java.util.Map;

/**
 * The struct page fields the model keeps per frame, packed in one int off the heap
 * ({@link OffHeapArray}), and the free list threaded through the free frames' own ints. A store
 * may ask for a second int per frame in the same record ({@link #contentsWord}) for its
 * {@link FrameContents}, so a frame's flags and its contents' identity share a cache line.
 *
 * <p>An allocated frame's int is non-negative: bits 0-5 its {@code F_*} flags, bits 6-7 its
 * references beyond its mappings ({@code refcount - mapcount}: the page cache's reference, a
 * reference taken just before a mapping), bits 8-30 its mapcount. Counts that do not fit (more
 * than two extra references, fewer references than mappings, 2^23 - 1 mappings or more) move to
 * a small map ({@link #spilled}), marked by extra references = 3; real runs spill almost never
 * (the zero page is not counted, a KSM page holds at most max_page_sharing mappings unless forks
 * add more). A free frame's int is negative: {@code FREE | (next + 1)}, the next free frame (0:
 * none), so the free list costs nothing beyond the frames themselves and stays a stack (the
 * most recently freed frame is handed out first, as before).
 */
final class FrameMeta implements AutoCloseable {
    static final int FLAG_MASK = 0x3F;
    private static final int EXTRA_SHIFT = 6;
    private static final int EXTRA_MASK = 0x3;
    private static final int SPILLED = 3;
    private static final int MAP_SHIFT = 8;
    private static final int MAP_MAX = (1 << 23) - 1;
    private static final int FREE = 0x8000_0000;

    private final OffHeapArray meta = OffHeapArray.ints();
    /** Ints per frame's record: its meta int, and the contents' word if asked for. */
    private final int recordInts;
    /** refcount and mapcount of frames whose counts do not fit their int. */
    private final Map<Integer, int[]> spilled = new HashMap<>();
    /** Top of the free stack, -1 when empty. */
    private int freeHead = -1;

    /** One int per frame. */
    FrameMeta() {
        this(false);
    }

    /** One int per frame, and a second for the frame's contents ({@link #contentsWord}) when {@code withContentsWord}. */
    FrameMeta(boolean withContentsWord) {
        this.recordInts = withContentsWord ? 2 : 1;
    }

    private long at(int frame) {
        return (long) frame * recordInts;
    }

    /** The second int of each frame's record, for the store's contents; it is freed with this. */
    FrameWord contentsWord() {
        if (recordInts < 2) {
            throw new IllegalStateException("this FrameMeta keeps no contents word");
        }
        return new FrameWord() {
            @Override public int get(int frame) { return meta.getInt(at(frame) + 1); }
            @Override public void set(int frame, int value) { meta.setInt(at(frame) + 1, value); }
            @Override public void ensure(int frames) { FrameMeta.this.ensure(frames); }
            @Override public long reservedBytes() { return 0; }
            @Override public void close() { }
        };
    }

    void ensure(int frames) {
        meta.ensure((long) frames * recordInts);
    }

    long reservedBytes() {
        return meta.reservedBytes();
    }

    boolean isFreeSlot(int frame) {
        return meta.getInt(at(frame)) < 0;
    }

    int flags(int frame) {
        int m = meta.getInt(at(frame));
        return m < 0 ? 0 : m & FLAG_MASK;
    }

    void setFlags(int frame, int flags) {
        int m = meta.getInt(at(frame));
        meta.setInt(at(frame), (m & ~FLAG_MASK) | (flags & FLAG_MASK));
    }

    int refcount(int frame) {
        int m = meta.getInt(at(frame));
        if (m < 0) return 0;
        int extra = (m >>> EXTRA_SHIFT) & EXTRA_MASK;
        return extra == SPILLED ? spilled.get(frame)[0] : (m >>> MAP_SHIFT) + extra;
    }

    int mapcount(int frame) {
        int m = meta.getInt(at(frame));
        if (m < 0) return 0;
        return ((m >>> EXTRA_SHIFT) & EXTRA_MASK) == SPILLED ? spilled.get(frame)[1] : m >>> MAP_SHIFT;
    }

    /** Sets both counts of an allocated frame, keeping its flags. */
    void setCounts(int frame, int refcount, int mapcount) {
        int flags = meta.getInt(at(frame)) & FLAG_MASK;
        int extra = refcount - mapcount;
        if (extra >= 0 && extra < SPILLED && mapcount < MAP_MAX) {
            spilled.remove(frame);
            meta.setInt(at(frame), flags | (extra << EXTRA_SHIFT) | (mapcount << MAP_SHIFT));
        } else {
            spilled.put(frame, new int[] {refcount, mapcount});
            meta.setInt(at(frame), flags | (SPILLED << EXTRA_SHIFT));
        }
    }

    /** An allocated frame: refcount 1, mapcount 0, {@code flags}. */
    void allocated(int frame, int flags) {
        meta.setInt(at(frame), (flags & FLAG_MASK) | (1 << EXTRA_SHIFT));
    }

    /** The frame is free: its counts go and it tops the free stack. */
    void pushFree(int frame) {
        spilled.remove(frame);
        meta.setInt(at(frame), FREE | (freeHead + 1));
        freeHead = frame;
    }

    /** The most recently freed frame, taken off the free stack, or -1 when there is none. */
    int popFree() {
        int frame = freeHead;
        if (frame >= 0) {
            freeHead = (meta.getInt(at(frame)) & ~FREE) - 1;
        }
        return frame;
    }

    /** Frames whose counts are kept in the spill map (tests). */
    int spilledFrames() {
        return spilled.size();
    }

    @Override
    public void close() {
        meta.close();
    }
}
