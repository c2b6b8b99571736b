package org.ksmlab.engine.ksm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

class RbTreeTest {
    /** Inserts key k as node k by walking from the root, as KSM's tree code does. */
    private static void insert(RbTree t, int k) {
        int n = t.root();
        int parent = RbTree.NIL;
        boolean left = false;
        while (n != RbTree.NIL) {
            parent = n;
            left = k < n;
            n = left ? t.left(n) : t.right(n);
        }
        t.link(k, parent, left);
    }

    private static void inorder(RbTree t, int n, List<Integer> out) {
        if (n == RbTree.NIL) return;
        inorder(t, t.left(n), out);
        out.add(n);
        inorder(t, t.right(n), out);
    }

    /**
     * {@code ops} random inserts and erases of keys below {@code keys} (a present key is erased,
     * an absent one inserted, then {@code inserted} is told), checking the tree after each;
     * returns the keys left in it.
     */
    private static TreeSet<Integer> randomInsertsAndErases(RbTree t, long seed, int ops, int keys, IntConsumer inserted) {
        SplittableRandom rng = new SplittableRandom(seed);
        TreeSet<Integer> shadow = new TreeSet<>();
        for (int op = 0; op < ops; op++) {
            int k = rng.nextInt(keys);
            if (shadow.contains(k)) {
                t.erase(k);
                shadow.remove(k);
            } else {
                t.ensure(k);
                insert(t, k);
                inserted.accept(k);
                shadow.add(k);
            }
            int blackHeight = t.checkValid();
            // A red-black tree of n nodes has black height at most log2(n + 1) + 1.
            assertEquals(true, blackHeight <= 2 + 32 - Integer.numberOfLeadingZeros(shadow.size() + 1));
        }
        return shadow;
    }

    @Test
    void staysAValidRedBlackTreeInOrderUnderRandomInsertsAndErases() {
        for (long seed = 0; seed < 20; seed++) {
            RbTree t = new RbTree();
            TreeSet<Integer> shadow = randomInsertsAndErases(t, seed, 3000, 500, k -> { });
            List<Integer> keys = new ArrayList<>();
            inorder(t, t.root(), keys);
            assertEquals(new ArrayList<>(shadow), keys);
            assertEquals(shadow.size(), t.size());
        }
    }

    @Test
    void aNodesOwnFieldsStayWithItThroughRotationsAndErasesOfOtherNodes() {
        // Fields share the record with the links: rebalancing rewrites links only.
        RbTree t = new RbTree(5);
        TreeSet<Integer> shadow = randomInsertsAndErases(t, 7, 4000, 700, k -> {
            for (int f = 0; f < 5; f++) {
                t.setField(k, f, k * 10 + f);
            }
        });
        for (int k : shadow) {
            for (int f = 0; f < 5; f++) {
                assertEquals(k * 10 + f, t.field(k, f), "node " + k + " field " + f);
            }
        }
        assertEquals(32, t.bytesPerNode());
        assertEquals(16, new RbTree(1).bytesPerNode());
    }

    @Test
    void clearForgetsEveryNodeAndTheTreeCanBeRebuilt() {
        RbTree t = new RbTree();
        for (int k = 0; k < 100; k++) {
            t.ensure(k);
            insert(t, k);
        }
        t.clear();
        assertEquals(RbTree.NIL, t.root());
        assertEquals(0, t.size());
        for (int k = 99; k >= 0; k--) insert(t, k);
        t.checkValid();
        assertEquals(100, t.size());
    }
}
