package org.ksmlab.engine.ksm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The packed rmap_items: place from the id, address order from the leaves, oldchecksum kept across the stable tree. */
class RmapItemsTest {
    @Test
    void anItemsMmAndAddressComeFromItsLeafAndItsListIsAddressOrdered() {
        try (RmapItems items = new RmapItems()) {
            MmSlot a = items.addMmSlot(null);
            MmSlot b = items.addMmSlot(null);
            long far = 0x7f00_0000_0L;
            int i1 = items.allocate(a, far + 3);
            int i2 = items.allocate(a, 5);
            int i3 = items.allocate(a, far + 700);
            int j1 = items.allocate(b, 5);
            assertEquals(4, items.count);
            assertEquals(far + 3, items.vpn(i1));
            assertEquals(5, items.vpn(i2));
            assertEquals(b, items.mmSlot(j1));
            assertEquals(a, items.mmSlot(i3));
            assertEquals(i1, items.itemAt(a, far + 3));
            assertEquals(RmapItems.NONE, items.itemAt(a, far + 4));
            List<Long> order = new ArrayList<>();
            items.forEachBetween(a, -1, Long.MAX_VALUE, it -> order.add(items.vpn(it)));
            assertEquals(List.of(5L, far + 3, far + 700), order);
            List<Long> between = new ArrayList<>();
            items.forEachBetween(a, 5, far + 700, it -> between.add(items.vpn(it)));
            assertEquals(List.of(far + 3), between, "strictly between");
            items.forEachBetween(a, -1, Long.MAX_VALUE, items::free); // freeing while iterating
            assertEquals(1, items.count);
            assertFalse(items.hasItems(a));
            assertTrue(items.hasItems(b));
            int again = items.allocate(a, 9);
            assertEquals(9, items.vpn(again), "a freed leaf serves a new place");
            assertEquals(0, items.oldChecksum(again), "kmem_cache_zalloc");
        }
    }

    @Test
    void aStableItemsOldChecksumComesBackWhenItLeavesTheStableTree() {
        try (RmapItems items = new RmapItems()) {
            MmSlot a = items.addMmSlot(null);
            int same = items.allocate(a, 1);
            int other = items.allocate(a, 2);
            items.setOldChecksum(same, 77);
            items.setOldChecksum(other, -5); // e.g. a tree partner rewritten since its visit
            items.enterStable(same, 3, RmapItems.NONE, 77);
            items.enterStable(other, 3, same, 77);
            assertTrue(items.isStable(other));
            assertEquals(3, items.link(other));
            assertEquals(same, items.hlistNext(other), "while stable the word is the hlist link");
            items.leaveStable(other, 77);
            items.leaveStable(same, 77);
            assertEquals(-5, items.oldChecksum(other));
            assertEquals(77, items.oldChecksum(same));
            assertFalse(items.isStable(same));
        }
    }

    @Test
    void ageAndSkipsAndFlagsShareOneIntWithoutDisturbingEachOther() {
        try (RmapItems items = new RmapItems()) {
            MmSlot a = items.addMmSlot(null);
            int it = items.allocate(a, 1);
            items.setAge(it, 255);
            items.setRemainingSkips(it, 8);
            items.setFlags(it, RmapItems.UNSTABLE_FLAG | 0xab);
            assertEquals(255, items.ageOf(it));
            assertEquals(8, items.remainingSkips(it));
            assertEquals(RmapItems.UNSTABLE_FLAG | 0xab, items.flags(it));
            items.setFlags(it, 0);
            assertEquals(255, items.ageOf(it));
            assertTrue(items.exists(it));
        }
    }
}
