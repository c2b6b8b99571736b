package org.ksmlab.analysis.render;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes the report's files into the output folder so that a reader, or a run killed at any
 * moment, finds either the previous report or the new one, and nothing hidden left behind.
 *
 * <ol>
 *   <li>Staging folders of earlier runs that were killed ({@code .report-staging-<pid>-*} whose
 *       process is gone) are deleted first; a live run's staging folder is left alone.</li>
 *   <li>Every file is written into this run's staging folder inside the output folder (same
 *       file system), then renamed into place with {@code ATOMIC_MOVE}, report.md last.</li>
 *   <li>Files of the report's own folders ({@code tables/*.csv}, {@code charts/*.png}) that this
 *       report does not write any more are deleted: a rebuilt report never shows a table or
 *       chart of an earlier build. Nothing else in the folder is touched (jmh/, series/, env.txt).</li>
 *   <li>The staging folder is deleted, also on failure.</li>
 * </ol>
 */
public final class ReportWriter {
    private ReportWriter() {}

    /** Prefix of a staging folder; the writer's pid follows. */
    static final String STAGING_PREFIX = ".report-staging-";
    private static final Pattern STAGING = Pattern.compile(Pattern.quote(STAGING_PREFIX) + "(\\d+)-.*");
    /** The report's own sub-folders and the files it keeps in them. */
    static final Map<String, String> OWNED = Map.of("tables", ".csv", "charts", ".png");

    /** Writes {@code files} (relative path → bytes) under {@code outDir}, creating it if needed. */
    public static void write(Map<String, byte[]> files, Path outDir) throws IOException {
        Files.createDirectories(outDir);
        removeStaleStaging(outDir);
        Path staging = Files.createTempDirectory(outDir, STAGING_PREFIX + ProcessHandle.current().pid() + "-");
        try {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                Path staged = staging.resolve(file.getKey());
                Files.createDirectories(staged.getParent());
                Files.write(staged, file.getValue());
            }
            List<String> order = new ArrayList<>(files.keySet());
            // report.md last: its new version appears only after everything it shows is in place
            order.sort(Comparator.comparing((String name) -> name.equals("report.md")));
            for (String name : order) {
                Path target = outDir.resolve(name);
                Files.createDirectories(target.getParent());
                Files.move(staging.resolve(name), target, StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            }
            removeUnwritten(outDir, files.keySet());
        } finally {
            deleteRecursively(staging);
        }
    }

    /** Deletes staging folders whose writer process no longer runs (a report killed with -9). */
    static void removeStaleStaging(Path outDir) throws IOException {
        try (Stream<Path> list = Files.list(outDir)) {
            for (Path p : list.toList()) {
                Matcher m = STAGING.matcher(p.getFileName().toString());
                if (!m.matches() || !Files.isDirectory(p)) continue;
                long pid = Long.parseLong(m.group(1));
                boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                if (!alive) deleteRecursively(p);
            }
        }
    }

    /** Deletes report-owned files (tables/*.csv, charts/*.png) that are not among {@code written}. */
    static void removeUnwritten(Path outDir, Set<String> written) throws IOException {
        for (Map.Entry<String, String> owned : OWNED.entrySet()) {
            Path dir = outDir.resolve(owned.getKey());
            if (!Files.isDirectory(dir)) continue;
            try (Stream<Path> list = Files.list(dir)) {
                for (Path p : list.toList()) {
                    String name = owned.getKey() + "/" + p.getFileName();
                    if (Files.isRegularFile(p) && name.endsWith(owned.getValue()) && !written.contains(name)) {
                        Files.delete(p);
                    }
                }
            }
            try (Stream<Path> left = Files.list(dir)) {
                if (left.findAny().isEmpty()) Files.delete(dir);
            }
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
