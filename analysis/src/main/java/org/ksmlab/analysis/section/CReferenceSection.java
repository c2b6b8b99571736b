package org.ksmlab.analysis.section;

import static org.ksmlab.analysis.input.Benchmarks.COLD_MIB;
import static org.ksmlab.analysis.input.Benchmarks.DIFFERENCE;
import static org.ksmlab.analysis.input.Benchmarks.ORDER;
import static org.ksmlab.analysis.input.Benchmarks.SIZE_MIB;
import static org.ksmlab.analysis.input.Benchmarks.WORKING_SET;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ksmlab.analysis.input.Benchmarks;
import org.ksmlab.analysis.input.Benchmarks.Benchmark;
import org.ksmlab.analysis.input.CReference;
import org.ksmlab.analysis.input.Results;
import org.ksmlab.analysis.section.SectionOutput.ReportTable;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The simulator's page primitives against their C reference from the same run (wall time, this
 * machine): each Java primitive's ns per page over the C figure for the same operation, working
 * set and visiting order ({@code c-reference.json}, {@link CReference}: memcmp, the xxHash
 * library's XXH64 and XXH3, a streaming read; compiled {@code -O3 -march=native}). Java / C below
 * 1 is faster than C.
 *
 * <p>Pairs: {@code compare/<difference>} with every {@link Benchmarks#PAGE_COMPARE} method of that
 * difference; {@code checksum/xxh64} with {@code xxh64}; {@code checksum/xxh3} with {@code xxh3}
 * and with {@code crc32c} (the two candidates for a fast checksum, against the fastest C hash
 * measured; there is no C CRC32C figure); {@code streamRead} with
 * {@link Benchmarks#MEMORY_BANDWIDTH} per 4096 bytes. A cold Java figure is paired only when its
 * pool ({@code coldMiB}) is the C pool's size, a streaming read only when its buffer is. A Java
 * result without an {@code order} parameter (from before it existed) visited its pages permuted.
 *
 * <p>The ratio's interval is the conservative one, [Java low / C high, Java high / C low]: it is
 * flagged {@value SectionOutput#WIDE_MARK} whenever either figure is noisy.
 */
public final class CReferenceSection implements ReportSection {
    static final String JAVA_NS = "Java ns/page";
    static final String C_NS = "C ns/page";
    static final String RATIO = "Java / C";
    private static final String PERMUTED = "permuted";

    @Override
    public String id() {
        return "c-reference";
    }

    @Override
    public String title() {
        return "Page primitives against C (micro)";
    }

    @Override
    public Part part() {
        return Part.SIMULATOR;
    }

    @Override
    public String absentNote() {
        return "no " + CReference.FILE + " in these runs (./run.sh writes one beside the micro benchmarks when a C compiler is present)";
    }

    /** One Java method held against one C figure. */
    private record Pair(Benchmark benchmark, String method, String difference, String cFunction) {}

    @Override
    public Optional<SectionOutput> build(Results results) {
        if (results.cReferences().isEmpty()) return Optional.empty();
        List<String> prose = new ArrayList<>();
        List<CReference> measured = new ArrayList<>();
        for (CReference c : results.cReferences()) {
            if (c.skipped() != null) {
                prose.add(c.source() + ": no C reference measured (" + c.skipped() + ").");
            } else {
                measured.add(c);
            }
        }
        if (measured.isEmpty()) return Optional.of(new SectionOutput(prose, List.of(), List.of()));
        StringColumn primitive = StringColumn.create("primitive");
        StringColumn workingSet = StringColumn.create("working set");
        StringColumn order = StringColumn.create("order");
        StringColumn java = StringColumn.create("Java");
        DoubleColumn javaNs = DoubleColumn.create(JAVA_NS);
        DoubleColumn javaLow = DoubleColumn.create(JAVA_NS + SectionOutput.LOW_SUFFIX);
        DoubleColumn javaHigh = DoubleColumn.create(JAVA_NS + SectionOutput.HIGH_SUFFIX);
        IntColumn javaN = IntColumn.create("Java n");
        StringColumn c = StringColumn.create("C");
        DoubleColumn cNs = DoubleColumn.create(C_NS);
        DoubleColumn cLow = DoubleColumn.create(C_NS + SectionOutput.LOW_SUFFIX);
        DoubleColumn cHigh = DoubleColumn.create(C_NS + SectionOutput.HIGH_SUFFIX);
        IntColumn cN = IntColumn.create("C n");
        DoubleColumn ratio = DoubleColumn.create(RATIO);
        DoubleColumn ratioLow = DoubleColumn.create(RATIO + SectionOutput.LOW_SUFFIX);
        DoubleColumn ratioHigh = DoubleColumn.create(RATIO + SectionOutput.HIGH_SUFFIX);
        List<String> unpaired = new ArrayList<>();
        for (CReference ref : measured) {
            for (CReference.Figure f : ref.figures()) {
                Statistics.Interval cWall = Statistics.of(f.nsPerPage());
                for (Pair pair : pairs(f.op())) {
                    Table points = Points.of(results.longTable(), pair.benchmark(), pair.method());
                    boolean found = false;
                    for (int r = 0; r < points.rowCount(); r++) {
                        Statistics.Interval j = javaPerPage(points, r, pair, f, ref);
                        if (j == null) continue;
                        found = true;
                        primitive.append(f.op().equals("streamRead") ? "streaming read" : f.op().replace('/', ' '));
                        workingSet.append(f.op().equals("streamRead") ? ref.streamMiB() + " MiB" : f.workingSet()
                                + (f.workingSet().equals("cold") ? " (" + ref.coldMiB() + " MiB)" : ""));
                        order.append(f.order());
                        java.append(pair.benchmark().simpleName().replace("Benchmark", "") + "." + pair.method());
                        javaNs.append(j.median());
                        javaLow.append(j.low());
                        javaHigh.append(j.high());
                        javaN.append(j.n());
                        c.append(pair.cFunction());
                        cNs.append(cWall.median());
                        cLow.append(cWall.low());
                        cHigh.append(cWall.high());
                        cN.append(cWall.n());
                        ratio.append(j.median() / cWall.median());
                        ratioLow.append(j.low() / cWall.high());
                        ratioHigh.append(j.high() / cWall.low());
                    }
                    if (!found) unpaired.add(pair.benchmark().simpleName() + "." + pair.method() + " (" + f.op() + ", "
                            + (f.op().equals("streamRead") ? ref.streamMiB() + " MiB" : f.workingSet()) + ", " + f.order() + ")");
                }
            }
        }
        Table t = Table.create("c-reference", primitive, workingSet, order, java, javaNs, javaLow, javaHigh, javaN,
                c, cNs, cLow, cHigh, cN, ratio, ratioLow, ratioHigh);
        prose.add(0, "Each Java page primitive of the simulator over its C reference from the same run on this machine"
                + " (wall time, ns per 4096-byte page; Java / C below 1.00 is faster than C). C: page_primitives.c, the same"
                + " pools laid out as the Java benchmarks lay theirs, the same working sets (hot: 128 KiB; cold: the"
                + " benchmarks' coldMiB) and the same kinds of visiting order (a seeded permutation, or address order),"
                + " memcmp from the C library, XXH64 and XXH3 from the xxHash header, compiled for this CPU."
                + " The C figures ran right after the Java ones, not interleaved with them: on a shared machine a ratio"
                + " can move with the load between the two, which its interval (Java low / C high .. Java high / C low) shows.");
        for (CReference ref : measured) {
            prose.add(ref.source() + ": " + ref.compiler() + ", " + ref.flags()
                    + (ref.xxhash() ? "" : "; the xxHash header was not installed, so the C hashes were not measured"
                    + " (Debian/Ubuntu: apt-get install libxxhash-dev)") + ".");
        }
        prose.add("checksum xxh3 is also held against crc32c: the fast checksum variant is whichever of XXH3 and the"
                + " JDK's CRC32C intrinsic is faster here (no C CRC32C was measured; the C XXH3 is the fastest C hash).");
        if (!unpaired.isEmpty()) {
            prose.add("Not paired (no Java result with the same working set, order and pool size): " + String.join("; ", unpaired) + ".");
        }
        if (primitive.isEmpty()) return Optional.of(new SectionOutput(prose, List.of(), List.of()));
        return Optional.of(new SectionOutput(prose, List.of(new ReportTable(id(),
                "Java / C per page primitive: ns/page median [interval] of each, and the ratio [conservative interval]", t)), List.of()));
    }

    /** The Java methods a C figure is held against. */
    private static List<Pair> pairs(String op) {
        if (op.startsWith("compare/")) {
            String difference = op.substring("compare/".length());
            return Benchmarks.PAGE_COMPARE.methods().stream()
                    .map(m -> new Pair(Benchmarks.PAGE_COMPARE, m, difference, "memcmp")).toList();
        }
        return switch (op) {
            case "checksum/xxh64" -> List.of(new Pair(Benchmarks.PAGE_CHECKSUM, "xxh64", "", "XXH64"));
            case "checksum/xxh3" -> List.of(new Pair(Benchmarks.PAGE_CHECKSUM, "xxh3", "", "XXH3_64bits"),
                    new Pair(Benchmarks.PAGE_CHECKSUM, "crc32c", "", "XXH3_64bits"));
            case "streamRead" -> List.of(new Pair(Benchmarks.MEMORY_BANDWIDTH, "streamRead", "", "word sum"));
            default -> List.of();
        };
    }

    /** The Java row's ns per page when it matches the C figure (working set, order, pool size), else null. */
    private static Statistics.Interval javaPerPage(Table points, int r, Pair pair, CReference.Figure f, CReference ref) {
        Statistics.Interval wall = Points.wall(points, r);
        if (wall == null) return null;
        if (pair.benchmark() == Benchmarks.MEMORY_BANDWIDTH) {
            String size = Points.param(points, SIZE_MIB, r);
            if (!size.equals(Integer.toString(ref.streamMiB()))) return null;
            return wall.dividedBy(ref.streamMiB() * 256.0);
        }
        if (!f.workingSet().equals(Points.param(points, WORKING_SET, r))) return null;
        String order = Points.param(points, ORDER, r);
        if (!f.order().equals(order.isEmpty() ? PERMUTED : order)) return null;
        if (!pair.difference().isEmpty() && !pair.difference().equals(Points.param(points, DIFFERENCE, r))) return null;
        if (f.workingSet().equals("cold") && !Points.param(points, COLD_MIB, r).equals(Integer.toString(ref.coldMiB()))) return null;
        return wall;
    }
}
