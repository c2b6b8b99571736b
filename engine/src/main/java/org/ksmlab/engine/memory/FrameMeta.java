package org.ksmlab.engine.memory;

import java.util.HashMap;
import java.util.Map;

/**
 * The struct page fields the model keeps per frame, packed in one int off the heap
 * ({@link OffHeapArray}), and the free list threaded through the free frames' own ints.
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
    /** refcount and mapcount of frames whose counts do not fit their int. */
    private final Map<Integer, int[]> spilled = new HashMap<>();
    /** Top of the free stack, -1 when empty. */
    private int freeHead = -1;

    void ensure(int frames) {
        meta.ensure(frames);
    }

    long reservedBytes() {
        return meta.reservedBytes();
    }

    boolean isFreeSlot(int frame) {
        return meta.getInt(frame) < 0;
    }

    int flags(int frame) {
        int m = meta.getInt(frame);
        return m < 0 ? 0 : m & FLAG_MASK;
    }

    void setFlags(int frame, int flags) {
        int m = meta.getInt(frame);
        meta.setInt(frame, (m & ~FLAG_MASK) | (flags & FLAG_MASK));
    }

    int refcount(int frame) {
        int m = meta.getInt(frame);
        if (m < 0) return 0;
        int extra = (m >>> EXTRA_SHIFT) & EXTRA_MASK;
        return extra == SPILLED ? spilled.get(frame)[0] : (m >>> MAP_SHIFT) + extra;
    }

    int mapcount(int frame) {
        int m = meta.getInt(frame);
        if (m < 0) return 0;
        return ((m >>> EXTRA_SHIFT) & EXTRA_MASK) == SPILLED ? spilled.get(frame)[1] : m >>> MAP_SHIFT;
    }

    /** Sets both counts of an allocated frame, keeping its flags. */
    void setCounts(int frame, int refcount, int mapcount) {
        int flags = meta.getInt(frame) & FLAG_MASK;
        int extra = refcount - mapcount;
        if (extra >= 0 && extra < SPILLED && mapcount < MAP_MAX) {
            spilled.remove(frame);
            meta.setInt(frame, flags | (extra << EXTRA_SHIFT) | (mapcount << MAP_SHIFT));
        } else {
            spilled.put(frame, new int[] {refcount, mapcount});
            meta.setInt(frame, flags | (SPILLED << EXTRA_SHIFT));
        }
    }

    /** An allocated frame: refcount 1, mapcount 0, {@code flags}. */
    void allocated(int frame, int flags) {
        meta.setInt(frame, (flags & FLAG_MASK) | (1 << EXTRA_SHIFT));
    }

    /** The frame is free: its counts go and it tops the free stack. */
    void pushFree(int frame) {
        spilled.remove(frame);
        meta.setInt(frame, FREE | (freeHead + 1));
        freeHead = frame;
    }

    /** The most recently freed frame, taken off the free stack, or -1 when there is none. */
    int popFree() {
        int frame = freeHead;
        if (frame >= 0) {
            freeHead = (meta.getInt(frame) & ~FREE) - 1;
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
