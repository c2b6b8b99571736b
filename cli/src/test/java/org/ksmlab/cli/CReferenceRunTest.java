package org.ksmlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ksmlab.bench.Suites;
import org.ksmlab.livekernel.CProgram;

/** The C reference of the page primitives: which suites get one, what it writes, and what a machine without a compiler gets. */
class CReferenceRunTest {
    @Test
    void theReferenceMirrorsTheSuitesPoolSizesAndOnlySuitesWithThePrimitivesGetOne() {
        assertEquals(Optional.of(new CReferenceRun.Sizes(256, 512)), CReferenceRun.sizesFor(Suites.get("quick")));
        assertEquals(Optional.of(new CReferenceRun.Sizes(1024, 1024)), CReferenceRun.sizesFor(Suites.get("micro")));
        assertEquals(Optional.empty(), CReferenceRun.sizesFor(Suites.get("ksm-grid")));
        assertEquals(Optional.empty(), CReferenceRun.sizesFor(Suites.get("compare")));
    }

    @Test
    void withACompilerEveryPrimitiveIsMeasuredHotAndColdInBothOrders(@TempDir Path dir) throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        Assumptions.assumeTrue(CProgram.compiler(env).isPresent(), "needs cc or gcc on PATH");
        env.put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        Path file = dir.resolve("c-reference.json");
        CReferenceRun.run(new CReferenceRun.Sizes(2, 1), 1, file, env, new PrintWriter(new StringWriter()));
        JsonNode root = new ObjectMapper().readTree(Files.readString(file));
        assertEquals(CReferenceRun.FORMAT, root.path("format").asText());
        assertEquals(2, root.path("coldMiB").asInt());
        assertEquals(1, root.path("streamMiB").asInt());
        assertEquals(1, root.path("roundMs").asInt());
        assertTrue(root.path("flags").asText().startsWith("-O3 -march=native"), root.toString());
        boolean xxhash = root.path("xxhash").asBoolean();
        List<String> expected = new ArrayList<>();
        for (String set : List.of("hot permuted", "hot sequential", "cold permuted", "cold sequential")) {
            for (String op : List.of("compare/equal", "compare/early", "compare/late")) expected.add(op + " " + set);
            if (xxhash) {
                expected.add("checksum/xxh64 " + set);
                expected.add("checksum/xxh3 " + set);
            }
        }
        expected.add("streamRead  sequential");
        List<String> found = new ArrayList<>();
        for (JsonNode r : root.path("results")) {
            found.add(r.path("op").asText() + " " + r.path("workingSet").asText() + " " + r.path("order").asText());
            assertEquals(6, r.path("nsPerPage").size());
            for (JsonNode ns : r.path("nsPerPage")) assertTrue(ns.asDouble() > 0, r.toString());
        }
        assertEquals(expected, found);
        try (var files = Files.list(dir)) {
            assertEquals(List.of("c-reference.json", "cache"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary file left beside the result");
        }
    }

    @Test
    void withoutACompilerTheFileSaysWhyNothingWasMeasured(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c-reference.json");
        StringWriter log = new StringWriter();
        CReferenceRun.run(new CReferenceRun.Sizes(2, 1), 1, file, Map.of("PATH", "/nonexistent", "HOME", dir.toString()),
                new PrintWriter(log, true));
        JsonNode root = new ObjectMapper().readTree(Files.readString(file));
        assertEquals(CReferenceRun.FORMAT, root.path("format").asText());
        assertTrue(root.path("skipped").asText().startsWith("no C compiler (cc or gcc) on PATH"), root.toString());
        assertTrue(log.toString().contains("C reference: skipped"), log.toString());
    }
}
