package org.ksmlab.engine.scenario;

/**
 * Pages {@code first..last} (inclusive, 0-based) of a region, or the whole region
 * ({@link #ALL}). Written {@code 10-19}, {@code 7} or {@code all} in a scenario file.
 */
public record PageRange(long first, long last) {
    /** The whole region, whatever its size when the step runs. */
    public static final PageRange ALL = new PageRange(0, Long.MAX_VALUE);

    public PageRange {
        if (first < 0 || last < first) {
            throw new IllegalArgumentException("page range " + first + "-" + last + ": expected 0 <= first <= last");
        }
    }

    public boolean isAll() {
        return first == 0 && last == Long.MAX_VALUE;
    }

    /** This range clipped to a region of {@code pages} pages; an error when it reaches past the end. */
    public PageRange within(long pages, String region) {
        if (isAll()) {
            if (pages == 0) {
                throw new IllegalArgumentException("region '" + region + "' has no pages");
            }
            return new PageRange(0, pages - 1);
        }
        if (last >= pages) {
            throw new IllegalArgumentException("pages " + this + " reach past the end of region '" + region + "' (" + pages + " pages: 0-" + (pages - 1) + ")");
        }
        return this;
    }

    public long count() {
        return last - first + 1;
    }

    @Override
    public String toString() {
        return isAll() ? "all" : first == last ? Long.toString(first) : first + "-" + last;
    }
}
