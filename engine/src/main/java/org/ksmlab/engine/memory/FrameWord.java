package org.ksmlab.engine.memory;

/**
 * One int per frame that a {@link FrameContents} keeps (the symbolic identity's handle), stored
 * wherever reads of it are cheapest: beside the frame's metadata in its {@link FrameMeta} record,
 * so that a tree walk, which reads a page's flags and then its contents, takes one cache miss
 * per page instead of two; or in an array of its own ({@link #standalone}).
 */
interface FrameWord extends AutoCloseable {
    int get(int frame);

    void set(int frame, int value);

    /** Makes room for frame ids below {@code frames}; new frames read 0. */
    void ensure(int frames);

    /** Bytes mapped for these ints alone (0 where they share another structure's records, which counts them). */
    long reservedBytes();

    @Override
    void close();

    /** Ints in an {@link OffHeapArray} of their own. */
    static FrameWord standalone() {
        OffHeapArray a = OffHeapArray.ints();
        return new FrameWord() {
            @Override public int get(int frame) { return a.getInt(frame); }
            @Override public void set(int frame, int value) { a.setInt(frame, value); }
            @Override public void ensure(int frames) { a.ensure(frames); }
            @Override public long reservedBytes() { return a.reservedBytes(); }
            @Override public void close() { a.close(); }
        };
    }
}
