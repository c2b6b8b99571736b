package org.ksmlab.engine.scenario;

/**
 * What a write puts in each page it writes. Contents are named by ids: the page with id
 * {@code c} holds the 4 KiB pattern of {@code PageContents.key(seed, c)} (equal ids, equal
 * pages; different ids, different pages), or zeros ({@link #ZERO_ID}). Page {@code i} below is
 * the i-th page the write covers, counted from 0.
 */
public sealed interface Content {
    /** The id of an all-zero page (also what a never-written page reads as). */
    long ZERO_ID = -1;

    /** Zero-filled pages. */
    record Zero() implements Content {
    }

    /** {@code distinct} contents in turn: page i gets id {@code base + i % distinct}. */
    record Distinct(long distinct, long base) implements Content {
        public Distinct {
            if (distinct < 1) throw new IllegalArgumentException("distinct=" + distinct + ": expected >= 1");
            if (base < 0) throw new IllegalArgumentException("base=" + base + ": expected >= 0");
        }
    }

    /** A run of ids: page i gets {@code first + i} (two processes writing overlapping runs share the overlap). */
    record Sequence(long first) implements Content {
        public Sequence {
            if (first < 0) throw new IllegalArgumentException("ids from " + first + ": expected >= 0");
        }
    }

    /** Every page a content no other page has had: fresh ids from the run's counter. */
    record Unique() implements Content {
    }

    /**
     * Ids listed one per page (page i gets {@code ids[i]}, {@link #ZERO_ID} for a zero-filled
     * page): contents from outside the scenario, such as a captured process's memory (a
     * {@code dataset} content, resolved to ids when the scenario is read).
     */
    record Listed(long[] ids, String source) implements Content {
        public Listed {
            for (long id : ids) {
                if (id < 0 && id != ZERO_ID) throw new IllegalArgumentException(source + ": content id " + id + ": expected >= 0 or zero");
            }
        }

        @Override
        public String toString() {
            return source;
        }
    }

    /** A copy of what pages of another region hold now (page i gets the id of that region's page {@code first + i}). */
    record SameAs(String process, String region, long first) implements Content {
    }
}
