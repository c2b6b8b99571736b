package org.ksmlab.engine.mm;

import java.util.Arrays;
import org.ksmlab.engine.memory.PageStore;

/**
 * A file (or a shmem object) and its page cache. Page {@code i} of the file is read into a
 * frame on first use ({@link #pageCacheFrame}); the page cache holds one reference on each of
 * its frames for as long as the file lives. Contents come from a {@link PageFiller}, so a
 * workload can describe a shared library's text without storing it.
 *
 * <p>Anonymous shared mappings ({@code MAP_SHARED|MAP_ANONYMOUS}) are backed by an unnamed
 * shmem object, as in the kernel ({@code shmem_zero_setup}): zero-filled, frames flagged
 * {@link PageStore#F_SHMEM}.
 */
public final class MappedFile {
    /** Fills a freshly allocated frame with the bytes of file page {@code index}. */
    @FunctionalInterface
    public interface PageFiller {
        void fill(PageStore store, int frame, long index);
    }

    private final String name;
    private final long sizePages;
    private final PageFiller filler;
    private final boolean shmem;
    /** Frame of each cached page, 0 when not cached (frame 0 is the zero frame, never cached). */
    private int[] cache = new int[16];

    public MappedFile(String name, long sizePages, PageFiller filler) {
        this(name, sizePages, filler, false);
    }

    private MappedFile(String name, long sizePages, PageFiller filler, boolean shmem) {
        this.name = name;
        this.sizePages = sizePages;
        this.filler = filler;
        this.shmem = shmem;
    }

    /** An unnamed shmem object backing a shared anonymous mapping. */
    static MappedFile shmem(long sizePages) {
        return new MappedFile("/dev/zero (deleted)", sizePages, (s, f, i) -> { }, true);
    }

    public String name() {
        return name;
    }

    public long sizePages() {
        return sizePages;
    }

    public boolean isShmem() {
        return shmem;
    }

    /** The page-cache frame of page {@code index}, reading it in on first use. */
    int pageCacheFrame(PageStore store, long index) {
        if (index >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException("file page index too large: " + index);
        }
        int i = (int) index;
        if (i >= cache.length) {
            cache = Arrays.copyOf(cache, Math.max(i + 1, cache.length * 2));
        }
        int frame = cache[i];
        if (frame == 0) {
            frame = store.allocate(shmem ? PageStore.F_SHMEM : PageStore.F_FILE);
            filler.fill(store, frame, index);
            cache[i] = frame;
        }
        return frame;
    }

    /** Frames currently in this file's page cache. */
    public int cachedPages() {
        int n = 0;
        for (int f : cache) {
            if (f != 0) n++;
        }
        return n;
    }

    /** Calls {@code action} with every cached frame. */
    void forEachCached(java.util.function.IntConsumer action) {
        for (int f : cache) {
            if (f != 0) action.accept(f);
        }
    }

    /** Drops the page cache's references (the file is closed and its last mapping gone). */
    void evict(PageStore store) {
        for (int i = 0; i < cache.length; i++) {
            if (cache[i] != 0) {
                store.put(cache[i]);
                cache[i] = 0;
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
