package org.ksmlab.engine.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The off-heap map agrees with a HashMap through growth and removals in long probe runs. */
class OffHeapIntMapTest {
    @Test
    void randomPutsAndRemovesShouldAgreeWithAHashMap() {
        SplittableRandom rng = new SplittableRandom(3);
        Map<Integer, Integer> expected = new HashMap<>();
        try (OffHeapIntMap m = new OffHeapIntMap(-1)) {
            for (int step = 0; step < 200_000; step++) {
                int key = rng.nextInt(20_000);
                if (rng.nextInt(3) == 0) {
                    m.remove(key);
                    expected.remove(key);
                } else {
                    int v = rng.nextInt();
                    m.put(key, v);
                    expected.put(key, v);
                }
                if (step % 1000 == 0) {
                    assertEquals(expected.size(), m.size());
                }
            }
            for (int key = 0; key < 20_000; key++) {
                assertEquals(expected.getOrDefault(key, -1), m.get(key), "key " + key);
            }
        }
    }
}
