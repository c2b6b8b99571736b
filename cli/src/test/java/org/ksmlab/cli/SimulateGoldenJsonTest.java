package org.ksmlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pins {@code simulate --json} byte for byte: every case of {@code golden/cases.txt} (the README's
 * examples and a few more, one per algorithm and KSM path) is run through the command line
 * in-process and its stdout compared with the golden file captured before the engine was
 * refactored. A refactoring that changes nothing passes; any change in a counter, a key, the key
 * order or the number formatting fails here with the first differing position.
 */
class SimulateGoldenJsonTest {
    private static final String DIR = "golden/";

    /** One golden case: its name (the file NAME.json) and the arguments after {@code simulate}. */
    record Case(String name, List<String> args) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() throws IOException {
        List<Case> cases = new ArrayList<>();
        for (String line : resource("cases.txt").split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] words = l.split("\\s+");
            List<String> args = new ArrayList<>(List.of("simulate"));
            args.addAll(List.of(words).subList(1, words.length));
            cases.add(new Case(words[0], args));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void simulateJsonShouldEqualTheGoldenFileByteForByte(Case c) throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Ksmlab.execute(new PrintWriter(out), new PrintWriter(err), c.args().toArray(String[]::new));
        assertEquals(0, code, "simulate " + c.args() + " failed: " + err);
        String expected = resource(c.name() + ".json");
        String actual = out.toString();
        if (!expected.equals(actual)) {
            int at = 0;
            while (at < Math.min(expected.length(), actual.length()) && expected.charAt(at) == actual.charAt(at)) {
                at++;
            }
            assertEquals(excerpt(expected, at), excerpt(actual, at),
                    c.name() + ": output differs from the golden file at character " + at + " (lengths " + expected.length() + " and " + actual.length() + ")");
        }
    }

    /**
     * Symbolic pages give the same output but for the page mode: every counter, sample and stop
     * point of every case is the byte mode's.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void simulateJsonWithSymbolicPagesShouldEqualTheGoldenFileButForThePageMode(Case c) throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> args = new ArrayList<>(c.args());
        args.add("--page-mode");
        args.add("symbolic");
        int code = Ksmlab.execute(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
        assertEquals(0, code, "simulate " + args + " failed: " + err);
        String golden = resource(c.name() + ".json");
        String expected = golden.replaceFirst("\"page_mode\":\"byte\"", "\"page_mode\":\"symbolic\"");
        org.junit.jupiter.api.Assertions.assertNotEquals(golden, expected, "the golden file names its page mode");
        String actual = out.toString();
        if (!expected.equals(actual)) {
            int at = 0;
            while (at < Math.min(expected.length(), actual.length()) && expected.charAt(at) == actual.charAt(at)) {
                at++;
            }
            assertEquals(excerpt(expected, at), excerpt(actual, at), c.name() + " (symbolic pages): output differs at character " + at);
        }
    }

    private static String excerpt(String s, int at) {
        return s.substring(Math.max(0, at - 80), Math.min(s.length(), at + 80));
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = SimulateGoldenJsonTest.class.getResourceAsStream(DIR + name)) {
            assertNotNull(in, "missing test resource " + DIR + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
