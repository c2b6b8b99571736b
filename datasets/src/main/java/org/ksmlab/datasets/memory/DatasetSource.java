package org.ksmlab.datasets.memory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Where a dataset's files are: a folder, or a shipped dataset inside the jar. */
public interface DatasetSource {
    /** How errors and results name the dataset (its folder, or {@code shipped NAME}). */
    String label();

    /** The dataset's name: its folder's name, or the shipped name. */
    String name();

    /** Opens one of its files; {@link NoSuchFileException} when it has none of that name. */
    InputStream open(String file) throws IOException;

    boolean has(String file);

    /** The folder {@code dir}. */
    static DatasetSource of(Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        return new DatasetSource() {
            @Override public String label() { return dir.toString(); }
            @Override public String name() { return d.getFileName() == null ? d.toString() : d.getFileName().toString(); }
            @Override public InputStream open(String file) throws IOException { return Files.newInputStream(d.resolve(file)); }
            @Override public boolean has(String file) { return Files.isRegularFile(d.resolve(file)); }
        };
    }

    /** Shipped dataset {@code name}: class-path resources under {@code org/ksmlab/datasets/real/NAME/}. */
    static DatasetSource shipped(String name) {
        String prefix = ShippedDatasets.RESOURCE_ROOT + name + "/";
        return new DatasetSource() {
            @Override public String label() { return "shipped dataset " + name; }
            @Override public String name() { return name; }
            @Override public InputStream open(String file) throws IOException {
                InputStream in = DatasetSource.class.getClassLoader().getResourceAsStream(prefix + file);
                if (in == null) throw new NoSuchFileException(prefix + file);
                return in;
            }
            @Override public boolean has(String file) { return DatasetSource.class.getClassLoader().getResource(prefix + file) != null; }
        };
    }
}
