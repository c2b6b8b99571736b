package org.ksmlab.engine.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The page table answers every lookup as a plain map of vpn to pte would: one large mapping
 * grown upwards and downwards, a far-away second mapping, scattered single pages (the
 * open-addressing table of leaves grows through all of them), and the table torn down and used
 * again.
 */
class PageTableTest {
    @Test
    void everyLookupAgreesWithAPlainMap() {
        try (PteLeaves pool = new PteLeaves()) {
            PageTable pt = new PageTable(pool);
            Map<Long, Long> expected = new HashMap<>();
            SplittableRandom rnd = new SplittableRandom(7);
            long base = 1L << 24; // a mapping in the middle: grows up and down
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < 200_000; i++) {
                    long vpn = switch (i % 4) {
                        case 0 -> base + rnd.nextLong(1 << 20); // the big mapping
                        case 1 -> base - rnd.nextLong(1 << 18); // below it
                        case 2 -> (1L << 34) + rnd.nextLong(1 << 12); // far away: the table only
                        default -> rnd.nextLong(1L << 35); // anywhere a user address can be
                    };
                    long pte = rnd.nextInt(8) == 0 ? 0 : PageTable.make(rnd.nextInt(1 << 28), rnd.nextBoolean());
                    pt.set(vpn, pte);
                    if (pte == 0) expected.remove(vpn); else expected.put(vpn, pte);
                    long probe = switch (i % 3) {
                        case 0 -> vpn;
                        case 1 -> base + rnd.nextLong(1 << 21) - (1 << 20);
                        default -> rnd.nextLong(1L << 35);
                    };
                    assertEquals(expected.getOrDefault(probe, 0L), pt.get(probe), "vpn " + probe);
                }
                for (Map.Entry<Long, Long> e : expected.entrySet()) {
                    assertEquals(e.getValue(), pt.get(e.getKey()), "vpn " + e.getKey());
                }
                assertEquals(expected.size(), pt.presentCount());
                for (long vpn : expected.keySet()) {
                    pt.set(vpn, 0);
                }
                expected.clear();
                pt.release();
                assertEquals(0, pt.get(base));
            }
        }
    }
}
