package org.ksmlab.analysis.input;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code c-reference.json}, the C reference of the page primitives ({@code page_primitives.c}) as
 * {@code bench --c-reference} writes it beside a suite's micro benchmarks:
 * {@code {"format": "ksmlab-c-reference/1", "xxhash", "coldMiB", "streamMiB", "rounds", "compiler",
 * "flags", "seed", "results": [{"op", "workingSet", "order", "nsPerPage": [round, ...]}]}}, or
 * {@code {"format", "skipped": reason}} when no C compiler was there. {@code op} is
 * {@code compare/equal|early|late}, {@code checksum/xxh64|xxh3} or {@code streamRead}.
 *
 * @param source {@code <results folder>/c-reference.json}
 * @param skipped why nothing was measured, or null
 * @param xxhash whether the C hashes were measured (the xxHash header was installed)
 * @param coldMiB the cold pool's size (the Java benchmarks' {@code coldMiB} it mirrors)
 * @param streamMiB the streaming read's buffer (the Java {@code sizeMiB})
 * @param compiler the compiler's version line; flags its flags
 */
public record CReference(String source, String skipped, boolean xxhash, int coldMiB, int streamMiB, String compiler,
                         String flags, List<Figure> figures) {
    public static final String FILE = "c-reference.json";
    static final String FORMAT = "ksmlab-c-reference/1";
    static final String EXPECTED = "the object 'bench --c-reference' writes: {\"format\": \"" + FORMAT + "\", \"coldMiB\","
            + " \"streamMiB\", \"results\": [{\"op\", \"workingSet\", \"order\", \"nsPerPage\": [...]}]} or {\"format\", \"skipped\"}";

    /** One measured figure: every round's ns per 4096-byte page. */
    public record Figure(String op, String workingSet, String order, double[] nsPerPage) {}

    public static CReference read(Path file) throws BadInputException {
        JsonNode root = Json.read(file, EXPECTED);
        if (!root.isObject() || !FORMAT.equals(root.path("format").asText())) {
            throw new BadInputException(file + ": expected " + EXPECTED + ", found "
                    + (root.isObject() ? "format '" + root.path("format").asText() + "'" : Json.kind(root)));
        }
        Path folder = file.toAbsolutePath().normalize().getParent();
        String source = folder == null || folder.getFileName() == null ? file.getFileName().toString()
                : folder.getFileName() + "/" + file.getFileName();
        if (root.path("skipped").isTextual()) {
            return new CReference(source, root.path("skipped").asText(), false, 0, 0, "", "", List.of());
        }
        if (!root.path("results").isArray() || !root.path("coldMiB").isInt() || !root.path("streamMiB").isInt()) {
            throw new BadInputException(file + ": lacks \"results\", \"coldMiB\" or \"streamMiB\"; expected " + EXPECTED);
        }
        List<Figure> figures = new ArrayList<>();
        JsonNode results = root.path("results");
        for (int i = 0; i < results.size(); i++) {
            JsonNode r = results.get(i);
            JsonNode ns = r.path("nsPerPage");
            if (!r.path("op").isTextual() || !r.path("workingSet").isTextual() || !r.path("order").isTextual()
                    || !ns.isArray() || ns.isEmpty()) {
                throw new BadInputException(file + ": result " + i + " lacks \"op\", \"workingSet\", \"order\" or a non-empty"
                        + " \"nsPerPage\" array; expected " + EXPECTED);
            }
            double[] values = new double[ns.size()];
            for (int k = 0; k < values.length; k++) {
                if (!ns.get(k).isNumber() || !(ns.get(k).asDouble() > 0)) {
                    throw new BadInputException(file + ": result " + i + " (" + r.path("op").asText() + "): nsPerPage[" + k
                            + "] is " + ns.get(k) + "; expected a positive number");
                }
                values[k] = ns.get(k).asDouble();
            }
            figures.add(new Figure(r.path("op").asText(), r.path("workingSet").asText(), r.path("order").asText(), values));
        }
        return new CReference(source, null, root.path("xxhash").asBoolean(), root.path("coldMiB").asInt(),
                root.path("streamMiB").asInt(), root.path("compiler").asText(""), root.path("flags").asText(""), List.copyOf(figures));
    }
}
