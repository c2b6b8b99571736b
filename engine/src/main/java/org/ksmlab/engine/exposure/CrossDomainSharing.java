package org.ksmlab.engine.exposure;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.ksmlab.engine.memory.PageStore;
import org.ksmlab.engine.mm.Kernel;
import org.ksmlab.engine.mm.PageTable;
import org.ksmlab.engine.mm.Process;
import org.ksmlab.engine.mm.Vma;

/**
 * Cross-domain merges now: for every merged frame (a KSM or SKSM page; the shared zero page is
 * not counted, since every process maps it anyway), the security domains whose processes map
 * it, minus one, summed over the frames. A page that four tenants share counts 3: three times a
 * tenant's page was merged with another tenant's. Read from the page tables, so it counts what
 * is shared at this moment whatever merger made it.
 */
final class CrossDomainSharing {
    private CrossDomainSharing() {
    }

    static long count(Kernel kernel) {
        PageStore store = kernel.store();
        Map<Integer, Set<Integer>> domainsByFrame = new HashMap<>();
        for (Process p : kernel.processes()) {
            PageTable pt = p.pageTable();
            int domain = p.domain();
            for (Vma v : p.vmas()) {
                pt.forEachPresent(v.start() >>> PageStore.PAGE_SHIFT, v.end() >>> PageStore.PAGE_SHIFT, vpn -> {
                    int frame = PageTable.frame(pt.get(vpn));
                    if (frame != PageStore.ZERO_FRAME && (store.flags(frame) & (PageStore.F_KSM | PageStore.F_SKSM)) != 0) {
                        domainsByFrame.computeIfAbsent(frame, f -> new HashSet<>()).add(domain);
                    }
                });
            }
        }
        long merges = 0;
        for (Set<Integer> domains : domainsByFrame.values()) {
            merges += domains.size() - 1;
        }
        return merges;
    }
}
