package org.ksmlab.engine.memory;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Anonymous private memory straight from the host kernel (mmap/munmap through the foreign
 * function API): zeroed lazily on first touch, so an untouched tail costs nothing (an Arena
 * allocation would memset it up front). {@link #AVAILABLE} is false off Linux or without
 * native access; callers then fall back to an arena.
 */
final class Mmap {
    private static final int PROT_READ_WRITE = 0x3;
    private static final int MAP_PRIVATE_ANONYMOUS_NORESERVE = 0x02 | 0x20 | 0x4000;
    private static final int MADV_HUGEPAGE = 14;
    private static final MethodHandle MMAP;
    private static final MethodHandle MUNMAP;
    private static final MethodHandle MADVISE;
    static final boolean AVAILABLE;

    static {
        MethodHandle mmap = null;
        MethodHandle munmap = null;
        MethodHandle madvise = null;
        try {
            if (System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
                Linker linker = Linker.nativeLinker();
                mmap = linker.downcallHandle(linker.defaultLookup().find("mmap").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
                munmap = linker.downcallHandle(linker.defaultLookup().find("munmap").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
                madvise = linker.downcallHandle(linker.defaultLookup().find("madvise").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                                ValueLayout.JAVA_INT));
            }
        } catch (RuntimeException | LinkageError e) {
            mmap = null; // no native access: callers fall back to arena allocation
        }
        MMAP = mmap;
        MUNMAP = munmap;
        MADVISE = madvise;
        AVAILABLE = mmap != null;
    }

    private Mmap() {
    }

    /** {@code size} bytes of fresh zeroed memory (a zero-length segment at its address), or null when mmap failed. */
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

    /**
     * {@link #map}, then madvise(MADV_HUGEPAGE): for the model's large, randomly read metadata
     * arrays (rmap_items, ptes, stable nodes), where a 4 KiB mapping costs a TLB miss on nearly
     * every access of a large run. Only a hint: with transparent_hugepage "never" (or where
     * madvise fails) the memory stays in small pages and works the same.
     */
    static MemorySegment mapHuge(long size) {
        MemorySegment m = map(size);
        if (m != null) {
            try {
                // 0, or -1 (EINVAL) on a kernel without THP: the mapping is good either way.
                int unused = (int) MADVISE.invokeExact(m, size, MADV_HUGEPAGE);
            } catch (Throwable t) {
                // the hint is lost, the memory is not
            }
        }
        return m;
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
