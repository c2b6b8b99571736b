package org.ksmlab.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Result files are written whole or not at all: the bytes go to a hidden temporary file in the
 * target's folder, which is renamed over the target only once complete; a failure (a full disk,
 * a read-only folder) deletes the temporary file and reports the target's path.
 */
final class AtomicFiles {
    /** Writes the content into an open stream. */
    @FunctionalInterface
    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Writes {@code text} (UTF-8) to {@code target} atomically. */
    static void write(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** Writes {@code content} to {@code target} atomically; on failure nothing is left behind. */
    static void write(Path target, Content content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp");
        boolean done = false;
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                content.writeTo(out);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            done = true;
        } catch (java.nio.file.FileSystemException e) {
            throw e;
        } catch (IOException e) {
            // a bare "No space left on device": name the file it was for
            java.nio.file.FileSystemException named = new java.nio.file.FileSystemException(target.toString(), null, e.getMessage());
            named.initCause(e);
            throw named;
        } finally {
            if (!done) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original failure is the one to report
                }
            }
        }
    }
}
