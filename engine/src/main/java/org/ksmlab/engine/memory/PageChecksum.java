package org.ksmlab.engine.memory;

import java.lang.foreign.MemorySegment;
import net.openhft.hashing.LongHashFunction;

/**
 * Page checksums. {@link #XXH64} is the kernel's {@code calc_checksum}: {@code xxhash(addr,
 * PAGE_SIZE, 0)}, which on 64-bit is xxh64 with seed 0, truncated to u32 by the caller's
 * {@code u32} type. {@link #XXH3} and {@link #CRC32C} are named alternatives for experiments.
 *
 * <p>Hashing reads off-heap memory through zero-allocation-hashing's {@code hashMemory}
 * (an address and a length: no copy, no allocation).
 *
 * @see "mm/ksm.c: calc_checksum"
 */
public enum PageChecksum {
    /** xxh64, seed 0: the kernel's choice since 5.x (replaced jhash2). */
    XXH64 {
        private final LongHashFunction fn = LongHashFunction.xx(0);
        @Override
        public long hash64(MemorySegment chunk, long offset) {
            return fn.hashMemory(chunk.address() + offset, PageStore.PAGE_SIZE);
        }
    },
    /** XXH3 64-bit, seed 0. */
    XXH3 {
        private final LongHashFunction fn = LongHashFunction.xx3();
        @Override
        public long hash64(MemorySegment chunk, long offset) {
            return fn.hashMemory(chunk.address() + offset, PageStore.PAGE_SIZE);
        }
    },
    /** CRC32C (the JDK's intrinsic, hardware-accelerated where the CPU has it); 32 bits. */
    CRC32C {
        @Override
        public long hash64(MemorySegment chunk, long offset) {
            java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            crc.update(chunk.asSlice(offset, PageStore.PAGE_SIZE).asByteBuffer());
            return crc.getValue();
        }
    };

    /** The full hash of the page at {@code offset} in a native segment. */
    public abstract long hash64(MemorySegment chunk, long offset);

    /** The u32 the kernel keeps (low 32 bits), as an unsigned value in an int. */
    public int checksum32(MemorySegment chunk, long offset) {
        return (int) hash64(chunk, offset);
    }

    /** {@link #checksum32} of a frame, in either page mode. */
    public int checksum32(PageStore store, int frame) {
        return (int) store.hash64(frame, this);
    }

    /** Parses a variant name: xxh64, xxh3, crc32c (case-insensitive). */
    public static PageChecksum parse(String name) {
        for (PageChecksum c : values()) {
            if (c.name().equalsIgnoreCase(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown checksum '" + name + "': expected one of xxh64, xxh3, crc32c");
    }
}
