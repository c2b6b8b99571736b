package org.ksmlab.datasets.memory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The memory datasets shipped in {@code datasets/real/} (listed in its {@code index.txt}, carried
 * in the jar), and how a {@code path=} value finds a dataset: a folder when one exists at that
 * path, else a shipped dataset of that name.
 */
public final class ShippedDatasets {
    static final String RESOURCE_ROOT = "org/ksmlab/datasets/real/";

    private ShippedDatasets() {
    }

    /** The shipped datasets' names, in index order. */
    public static List<String> names() {
        try (InputStream in = ShippedDatasets.class.getClassLoader().getResourceAsStream(RESOURCE_ROOT + "index.txt")) {
            if (in == null) return List.of();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A folder at {@code pathOrName}, else the shipped dataset of that name; else an error naming both. */
    public static DatasetSource resolve(String pathOrName) {
        Path p = Path.of(pathOrName);
        if (Files.isDirectory(p)) return DatasetSource.of(p);
        if (names().contains(pathOrName)) return DatasetSource.shipped(pathOrName);
        throw new MemoryDataset.BadDataset("dataset '" + pathOrName + "': no such folder, and no shipped dataset of that name"
                + (names().isEmpty() ? "" : " (shipped: " + String.join(", ", names()) + ")"));
    }
}
