package org.ksmlab.engine.memory;

import java.util.Locale;

/**
 * How the model holds page contents ({@code --page-mode}).
 *
 * <ul>
 * <li>{@link #BYTE}: every frame is 4 KiB of real bytes off the Java heap; checksum and compare
 *     read them, as the kernel does. The reference mode and the default.</li>
 * <li>{@link #SYMBOLIC}: a frame carries a content identity instead of bytes (a pattern id, a
 *     fill value, and the words written over it since); checksum and compare work on the
 *     identity and give exactly what byte mode gives (the xxh64 of the bytes the identity
 *     stands for, the memcmp order and the first differing byte), so every tree and table takes
 *     the same shape and every counter is the same. The CPU they cost is charged from the cost
 *     model calibrated in byte mode, never measured in this mode. Lets a model hold far more
 *     pages than the host has memory (see {@link PageStore}).</li>
 * </ul>
 */
public enum PageMode {
    BYTE, SYMBOLIC;

    /** The name the command line and the results use: {@code byte}, {@code symbolic}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code byte} or {@code symbolic} (case-insensitive). */
    public static PageMode parse(String text) {
        for (PageMode m : values()) {
            if (m.label().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("page mode '" + text + "': expected byte or symbolic");
    }
}
