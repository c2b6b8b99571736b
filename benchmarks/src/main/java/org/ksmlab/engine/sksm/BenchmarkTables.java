package org.ksmlab.engine.sksm;

import org.ksmlab.engine.cost.WorkCounts;
import org.ksmlab.engine.memory.PageCompare;
import org.ksmlab.engine.memory.PageStore;

/**
 * Benchmark-only door to SKSM's package-private checksum tables, for
 * {@code org.ksmlab.bench.micro.ChecksumTableBenchmark}. It lives in the benchmarks module but in
 * the engine's package (a split package: fine on the class path, which is how ksmlab runs) so
 * that the engine keeps its tables package-private and benchmarks see exactly the code SKSM runs.
 */
public final class BenchmarkTables {
    /** The operations a benchmark times: those of the package-private {@link ChecksumTable}. */
    public interface Table {
        /** See {@link ChecksumTable#findIdentical}. */
        int findIdentical(long hash, int frame, PageStore store, PageCompare compare, WorkCounts work);

        /** See {@link ChecksumTable#insert}. */
        void insert(long hash, int frame);

        /** See {@link ChecksumTable#remove}. */
        void remove(int frame);

        /** See {@link ChecksumTable#entries}. */
        int entries();
    }

    private record Wrapped(ChecksumTable table) implements Table {
        @Override
        public int findIdentical(long hash, int frame, PageStore store, PageCompare compare, WorkCounts work) {
            return table.findIdentical(hash, frame, store, compare, work);
        }

        @Override
        public void insert(long hash, int frame) {
            table.insert(hash, frame);
        }

        @Override
        public void remove(int frame) {
            table.remove(frame);
        }

        @Override
        public int entries() {
            return table.entries();
        }
    }

    private BenchmarkTables() {
    }

    /** The RFC's static chained table, 2^16 buckets (what {@code sksm} and {@code sksm-aged} use). */
    public static Table staticChained() {
        return new Wrapped(new ChainedChecksumTable(ChainedChecksumTable.RFC_BITS));
    }

    /** The open-addressing table of {@code sksm-resizable}, starting at {@code initialSlots} (a power of two). */
    public static Table openAddressing(int initialSlots) {
        return new Wrapped(new ResizableChecksumTable(initialSlots));
    }
}
