package org.ksmlab.analysis.render;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes the report's files into the output folder atomically: all files are first written
 * into a staging directory inside the output folder (same file system), then each is renamed
 * into place with {@code ATOMIC_MOVE}. A reader sees either the old file or the complete new
 * one, and a failure before the moves leaves the output folder as it was.
 */
public final class ReportWriter {
    private ReportWriter() {}

    /** Writes {@code files} (relative path → bytes) under {@code outDir}, creating it if needed. */
    public static void write(Map<String, byte[]> files, Path outDir) throws IOException {
        Files.createDirectories(outDir);
        Path staging = Files.createTempDirectory(outDir, ".report-staging-");
        try {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                Path staged = staging.resolve(file.getKey());
                Files.createDirectories(staged.getParent());
                Files.write(staged, file.getValue());
            }
            for (String name : files.keySet()) {
                Path target = outDir.resolve(name);
                Files.createDirectories(target.getParent());
                Files.move(staging.resolve(name), target, StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            deleteRecursively(staging);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
