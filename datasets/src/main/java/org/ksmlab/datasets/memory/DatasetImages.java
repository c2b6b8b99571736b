package org.ksmlab.datasets.memory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ksmlab.engine.workload.MemoryImage;

/**
 * A dataset as the model rebuilds it ({@link MemoryImage}): each distinct page hash becomes one
 * content id, handed out in the order the pages file lists pages (process, then address), from
 * {@code idBase}; zero-filled pages and zero-page mappings keep their own markers. Only VMAs
 * with at least one listed page become areas. Deterministic: the same dataset gives the same
 * image, id for id.
 */
public final class DatasetImages {
    private DatasetImages() {
    }

    /**
     * The image of {@code src}. An area is mergeable: without {@code mergeAny}, when its VMA was
     * VM_MERGEABLE at capture; with it, in a process that was merge-any at capture likewise (the
     * flags are the kernel's own: a process started under merge-any has its first stack VMA,
     * made by exec before the flag is applied, not mergeable, measured on 6.18), and in any other
     * process when KSM could scan the VMA (what prctl PR_SET_MEMORY_MERGE at run time gives).
     */
    public static MemoryImage load(DatasetSource src, boolean mergeAny, long idBase) {
        Builder b = new Builder(mergeAny, idBase, DatasetReader.manifest(src));
        MemoryDataset.Manifest m = DatasetReader.read(src, b);
        long activityMs = m.activity().sampled() ? m.activity().durationMs() : 0;
        List<MemoryImage.Proc> procs = new ArrayList<>();
        for (int i = 0; i < b.procs.size(); i++) {
            MemoryDataset.ProcessInfo info = i < m.processes().size() ? m.processes().get(i) : null;
            String label = info == null ? "process " + i : info.comm() + " (pid " + info.pid() + ")";
            procs.add(new MemoryImage.Proc(label, b.procs.get(i)));
        }
        return new MemoryImage(m.name(), procs, activityMs);
    }

    /** One VMA's listed pages as a scenario writes them: page indices and content ids. */
    public record VmaContent(MemoryDataset.Vma vma, long[] pages, long[] ids) {
    }

    /**
     * The pages of VMA {@code vma} (its index among process {@code process}'s VMAs, or its start
     * address as {@code 0x...}) of process {@code process} (its index in the dataset), with
     * content ids from {@code idBase} as {@link #load} numbers them over the whole dataset (so two
     * VMAs of one dataset share ids where their pages are equal). Zero-filled pages get
     * {@link MemoryImage#ZERO_FILLED}; zero-page mappings are left out (a write cannot make one).
     */
    public static VmaContent vma(DatasetSource src, int process, String vma, long idBase) {
        MemoryImage img = load(src, true, idBase);
        if (process < 0 || process >= img.processes().size()) {
            throw new MemoryDataset.BadDataset("dataset " + src.label() + " has " + img.processes().size() + " processes (0 to "
                    + (img.processes().size() - 1) + "); no process " + process);
        }
        List<MemoryDataset.Vma> all = new ArrayList<>();
        DatasetReader.read(src, new DatasetReader.Visitor() {
            int current = -1;

            @Override
            public void process(int index, int pid, long vmaCount) {
                current = index;
            }

            @Override
            public void vma(MemoryDataset.Vma v) {
                if (current == process) all.add(v);
            }
        });
        MemoryDataset.Vma v;
        if (vma.startsWith("0x")) {
            long start = Long.parseUnsignedLong(vma.substring(2), 16);
            v = all.stream().filter(x -> x.start() == start).findFirst().orElseThrow(() -> new MemoryDataset.BadDataset(
                    "dataset " + src.label() + ": process " + process + " has no VMA starting at " + vma));
        } else {
            int i;
            try {
                i = Integer.parseInt(vma);
            } catch (NumberFormatException e) {
                throw new MemoryDataset.BadDataset("vma '" + vma + "': expected an index (0, 1, ...) or a start address 0x...");
            }
            if (i < 0 || i >= all.size()) {
                throw new MemoryDataset.BadDataset("dataset " + src.label() + ": process " + process + " has " + all.size() + " VMAs; no VMA " + i);
            }
            v = all.get(i);
        }
        for (MemoryImage.Area a : img.processes().get(process).areas()) {
            if (a.start() != v.start()) continue;
            int n = 0;
            for (long c : a.content()) if (c != MemoryImage.ZERO_PAGE) n++;
            long[] pages = new long[n];
            long[] ids = new long[n];
            int k = 0;
            for (int j = 0; j < a.page().length; j++) {
                if (a.content()[j] == MemoryImage.ZERO_PAGE) continue;
                pages[k] = a.page()[j];
                ids[k++] = a.content()[j];
            }
            return new VmaContent(v, pages, ids);
        }
        return new VmaContent(v, new long[0], new long[0]); // a VMA without anonymous pages
    }

    private static final class Builder implements DatasetReader.Visitor {
        final boolean mergeAny;
        final long idBase;
        final MemoryDataset.Manifest manifest;
        boolean capturedMergeAny;
        final LongIntMap ids = new LongIntMap(-1);
        final List<List<MemoryImage.Area>> procs = new ArrayList<>();
        List<MemoryImage.Area> areas;
        MemoryDataset.Vma vma;
        int[] page = new int[256];
        long[] content = new long[256];
        int[] writes = new int[256];
        int n;
        boolean anyWrites;

        Builder(boolean mergeAny, long idBase, MemoryDataset.Manifest manifest) {
            this.mergeAny = mergeAny;
            this.idBase = idBase;
            this.manifest = manifest;
        }

        @Override
        public void process(int index, int pid, long vmaCount) {
            capturedMergeAny = index < manifest.processes().size() && manifest.processes().get(index).mergeAny();
            areas = new ArrayList<>();
            procs.add(areas);
        }

        @Override
        public void vma(MemoryDataset.Vma v) {
            vma = v;
            n = 0;
            anyWrites = false;
        }

        @Override
        public void page(long index, int kind, long hash, long w) {
            if (n == page.length) {
                page = Arrays.copyOf(page, n * 2);
                content = Arrays.copyOf(content, n * 2);
                writes = Arrays.copyOf(writes, n * 2);
            }
            page[n] = Math.toIntExact(index);
            content[n] = switch (kind & MemoryDataset.PageKind.KIND_MASK) {
                case MemoryDataset.PageKind.ANON_ZERO -> MemoryImage.ZERO_FILLED;
                case MemoryDataset.PageKind.ZERO_PAGE -> MemoryImage.ZERO_PAGE;
                default -> {
                    int id = ids.get(hash);
                    if (id < 0) {
                        id = ids.size();
                        ids.put(hash, id);
                    }
                    yield idBase + id;
                }
            };
            writes[n] = (int) Math.min(Integer.MAX_VALUE, w);
            anyWrites |= w > 0;
            n++;
        }

        @Override
        public void endVma(long nonAnonPresent, long swapped) {
            if (n == 0) return;
            int prot = (vma.has(MemoryDataset.VmaFlags.READ) ? 1 : 0) | (vma.has(MemoryDataset.VmaFlags.WRITE) ? 2 : 0)
                    | (vma.has(MemoryDataset.VmaFlags.EXEC) ? 4 : 0);
            boolean mergeable = mergeAny && !capturedMergeAny ? vma.has(MemoryDataset.VmaFlags.KSM_COMPATIBLE) : vma.has(MemoryDataset.VmaFlags.MERGEABLE);
            areas.add(new MemoryImage.Area(vma.start(), vma.pages(), prot, mergeable, vma.name(), Arrays.copyOf(page, n),
                    Arrays.copyOf(content, n), anyWrites ? Arrays.copyOf(writes, n) : null));
        }
    }
}
