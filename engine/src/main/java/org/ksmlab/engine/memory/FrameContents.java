package org.ksmlab.engine.memory;

/**
 * What a {@link PageStore} keeps of each frame's contents, behind one interface so every caller
 * (faults, mergers, workloads) runs unchanged in both {@link PageMode}s: {@link ByteFrameContents}
 * holds the 4 KiB, {@link SymbolicFrameContents} a content identity. Both answer every read,
 * compare and checksum with the same values for the same sequence of writes (a contract test
 * checks it). Offsets are bytes inside the page; longs are little-endian.
 */
interface FrameContents extends AutoCloseable {
    /** Makes room for frame ids below {@code frames}; new frames read as zeros. */
    void ensureFrames(int frames);

    /** Sets {@code frame} to all zeros (it was freed, or is overwritten). */
    void clear(int frame);

    /** Gives {@code to} the contents of {@code from}. */
    void copy(int from, int to);

    /** The frame was freed: drop what it holds beyond its slot (it is {@link #clear}ed when handed out again). */
    void release(int frame);

    byte readByte(int frame, int offset);

    long readLong(int frame, int offset);

    void writeByte(int frame, int offset, byte value);

    void writeLong(int frame, int offset, long value);

    /** Every 8-byte word of the page set to {@code value}. */
    void fillLong(int frame, long value);

    /** The page becomes the {@link PagePattern} of {@code key}. */
    void fillPattern(int frame, long key);

    /** The page becomes the {@link PagePattern} of content {@code id} of a run seeded {@code seed}. */
    void fillPattern(int frame, long seed, long id);

    /** Offset of the first byte where the two frames differ, or -1 when equal. */
    int firstDifference(int a, int b);

    /**
     * Symbolic mode: the frame's content identity, which stands for its bytes until the frame is
     * written, cleared or freed (byte mode keeps none and throws).
     */
    int identity(int frame);

    /** {@link #firstDifference} of frame {@code a} and the bytes identity {@code identityB} stands for. */
    int firstDifferenceFromIdentity(int a, int identityB);

    /** {@link #readByte} of the bytes identity {@code identity} stands for. */
    byte readByteOfIdentity(int identity, int offset);

    /** The 64-bit hash {@code algorithm} gives the page's 4096 bytes. */
    long hash64(int frame, PageChecksum algorithm);

    /** Bytes this holds for frame contents (off-heap chunks, identity slots). */
    long reservedBytes();

    @Override
    void close();
}
