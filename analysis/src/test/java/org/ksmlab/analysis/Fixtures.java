package org.ksmlab.analysis;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/**
 * The JMH JSON fixtures under src/test/resources/fixtures (written by make_fixtures.py there),
 * resolved from the test classpath, never from the working directory.
 */
public final class Fixtures {
    private Fixtures() {}

    /** A fixture file or results folder, e.g. {@code "micro"} or {@code "small/jmh/compare.json"}. */
    public static Path path(String name) {
        URL url = Fixtures.class.getResource("/fixtures/" + name);
        if (url == null) throw new IllegalArgumentException("no test fixture " + name);
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
