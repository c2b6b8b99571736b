package org.ksmlab.livekernel.scenario;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The scenario runner's command channel, the Java half ({@code scenario_runner.c} is the other;
 * the constants must match). One request at a time: a 64-byte header ({@code u32 op}, {@code u32 0},
 * seven {@code i64} arguments), then the op's payload; one 32-byte response ({@code i64 res}, which
 * is {@code -errno} for a failed system call, and three {@code i64} extras). Little endian (the
 * runner is x86_64 only).
 *
 * <p>Page lists travel as fixed-size records, not a text line per page: a write of one million
 * pages is 16 MB of records, read by the runner in 1 MiB chunks and stored as it reads. The low
 * bits of a page address (always 0 for a page-aligned address) carry record flags.
 */
final class RunnerProtocol {
    static final long MAGIC = 0x4b534d52L; // "KSMR"
    static final long VERSION = 1;
    static final int REQUEST_BYTES = 64;
    static final int RESPONSE_BYTES = 32;

    static final int OP_HELLO = 1, OP_MMAP = 2, OP_MUNMAP = 3, OP_MREMAP = 4, OP_BRK = 5, OP_MPROTECT = 6, OP_MADVISE = 7,
            OP_PROCESS_MADVISE = 8, OP_PRCTL_MERGE = 9, OP_FORK = 10, OP_EXEC = 11, OP_EXIT = 12, OP_WRITE = 13,
            OP_PATCH = 14, OP_READ = 15, OP_VERIFY = 16, OP_PING = 17;

    /** Record flag: the page is all zeros (its key is ignored). */
    static final long REC_ZERO = 1;
    /** Verify record flag: the page's patch word is at {@link org.ksmlab.engine.scenario.ScenarioRun#PATCH_OFFSET}. */
    static final long REC_PATCHED = 2;

    /** Bytes per record of each page-list op. */
    static final int WRITE_RECORD = 16, PATCH_RECORD = 16, READ_RECORD = 8, VERIFY_RECORD = 24;

    private RunnerProtocol() {
    }

    /** A request header: {@code op} and up to seven arguments (the rest 0). */
    static ByteBuffer request(int op, long... args) {
        if (args.length > 7) {
            throw new IllegalArgumentException("a request has at most 7 arguments, got " + args.length);
        }
        ByteBuffer b = ByteBuffer.allocate(REQUEST_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(op).putInt(0);
        for (int i = 0; i < 7; i++) {
            b.putLong(i < args.length ? args[i] : 0);
        }
        return b.flip();
    }

    /** A decoded response. */
    record Response(long res, long r0, long r1, long r2) {
        static Response decode(ByteBuffer b) {
            b.order(ByteOrder.LITTLE_ENDIAN);
            return new Response(b.getLong(0), b.getLong(8), b.getLong(16), b.getLong(24));
        }

        /** A hello (sent by a new runner and by one that has just exec'd): {@code res} is its pid. */
        boolean isHello() {
            return r0 == MAGIC && r1 == VERSION && res > 0;
        }
    }

    /** Writes records {@code from..to-1} of a page list into {@code b} (cleared first, flipped after). */
    interface Records {
        int recordBytes();

        int count();

        void put(ByteBuffer b, int k);
    }

    /** Write records: (address | {@link #REC_ZERO}, content key). */
    static Records writeRecords(long[] addrs, long[] keys, boolean[] zero) {
        return new Records() {
            public int recordBytes() { return WRITE_RECORD; }
            public int count() { return addrs.length; }
            public void put(ByteBuffer b, int k) {
                b.putLong(page(addrs[k]) | (zero[k] ? REC_ZERO : 0)).putLong(keys[k]);
            }
        };
    }

    /** Patch records: (address, word). */
    static Records patchRecords(long[] addrs, long[] words) {
        return new Records() {
            public int recordBytes() { return PATCH_RECORD; }
            public int count() { return addrs.length; }
            public void put(ByteBuffer b, int k) {
                b.putLong(page(addrs[k])).putLong(words[k]);
            }
        };
    }

    /** Read records: the address. */
    static Records readRecords(long[] addrs) {
        return new Records() {
            public int recordBytes() { return READ_RECORD; }
            public int count() { return addrs.length; }
            public void put(ByteBuffer b, int k) {
                b.putLong(page(addrs[k]));
            }
        };
    }

    /** Verify records: (address | flags, content key, patch word). */
    static Records verifyRecords(long[] addrs, long[] keys, boolean[] zero, long[] patches) {
        return new Records() {
            public int recordBytes() { return VERIFY_RECORD; }
            public int count() { return addrs.length; }
            public void put(ByteBuffer b, int k) {
                b.putLong(page(addrs[k]) | (zero[k] ? REC_ZERO : 0) | (patches[k] != 0 ? REC_PATCHED : 0)).putLong(keys[k]).putLong(patches[k]);
            }
        };
    }

    private static long page(long addr) {
        if ((addr & 4095) != 0) {
            throw new IllegalArgumentException("address 0x" + Long.toHexString(addr) + " is not page aligned");
        }
        return addr;
    }
}
