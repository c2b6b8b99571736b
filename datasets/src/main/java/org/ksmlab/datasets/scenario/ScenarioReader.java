package org.ksmlab.datasets.scenario;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ksmlab.datasets.memory.DatasetImages;
import org.ksmlab.datasets.memory.DatasetSource;
import org.ksmlab.datasets.memory.MemoryDataset;
import org.ksmlab.datasets.memory.ShippedDatasets;
import org.ksmlab.engine.mm.VmFlags;
import org.ksmlab.engine.scenario.Content;
import org.ksmlab.engine.scenario.Origin;
import org.ksmlab.engine.scenario.PageRange;
import org.ksmlab.engine.scenario.Pages;
import org.ksmlab.engine.scenario.Scenario;
import org.ksmlab.engine.scenario.Step;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads a scenario file (YAML 1.2, format {@code ksmlab-scenario: 1}; the grammar is in the
 * README) into a {@link Scenario}. SnakeYAML Engine parses the text into a node tree that keeps
 * every node's line; this class only maps nodes to the plan, so any error names the file, the
 * line and what was expected. {@code repeat} blocks are expanded here, with {@code {i}},
 * {@code {i+K}}, {@code {i-K}}, {@code {i*K}} and {@code {i*K+C}} in any text of their steps.
 */
public final class ScenarioReader {
    /** A scenario file that cannot be read: the message starts with {@code file:line:}. */
    public static final class BadScenario extends IllegalArgumentException {
        BadScenario(String message) {
            super(message);
        }
    }

    private static final Pattern RANGE = Pattern.compile("(\\d+)(?:-(\\d+))?");
    private static final Pattern SUBSTITUTION = Pattern.compile("\\{([a-z_]+)(?:\\*(\\d+))?(?:([+-])(\\d+))?}");
    private static final Set<String> STEP_OPS = Set.of("spawn", "mmap", "munmap", "mremap", "brk", "mprotect", "write", "patch", "read",
            "madvise", "process_madvise", "prctl", "ksm_enabled", "clone_range", "fork", "exec", "exit", "knob", "wait", "phase",
            "expect", "every", "repeat");
    private static final Set<String> ERRNOS = Set.of("EPERM", "ENOENT", "ESRCH", "EFAULT", "EBUSY", "EINVAL", "ENOMEM", "EAGAIN",
            "EACCES", "EEXIST", "ENOSYS");

    private final String file;
    /** The first content id of each dataset this scenario names, by the dataset's label. */
    private final Map<String, Long> datasetIdBases = new LinkedHashMap<>();

    private ScenarioReader(String file) {
        this.file = file;
    }

    /** Reads the scenario file at {@code path}. */
    public static Scenario read(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadScenario(path + ": cannot read the scenario file: " + e.getMessage());
        }
        return parse(path.toString(), text);
    }

    /** Reads a scenario from {@code text}; {@code file} names it in errors. */
    public static Scenario parse(String file, String text) {
        ScenarioReader r = new ScenarioReader(file);
        Node root;
        try {
            root = new Compose(LoadSettings.builder().setLabel(file).build()).composeString(text)
                    .orElseThrow(() -> new BadScenario(file + ":1: the file is empty; expected a scenario (ksmlab-scenario: 1, name, steps)"));
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(1);
            throw new BadScenario(file + ":" + line + ": not valid YAML: " + e.getProblem());
        } catch (YamlEngineException e) {
            throw new BadScenario(file + ": not valid YAML: " + e.getMessage());
        }
        return r.scenario(root);
    }

    private Scenario scenario(Node root) {
        Map<String, Node> top = map(root, "the scenario", Set.of("ksmlab-scenario", "name", "description", "seed",
                "unique_ids_from", "applies_to", "model_only", "knobs", "variants", "files", "processes", "domains", "steps"));
        Node version = top.get("ksmlab-scenario");
        if (version == null) {
            throw bad(root, "missing 'ksmlab-scenario: " + Scenario.FORMAT_VERSION + "' (the format version) at the top");
        }
        long v = integer(version, "ksmlab-scenario");
        if (v != Scenario.FORMAT_VERSION) {
            throw bad(version, "format version " + v + " is not supported; expected ksmlab-scenario: " + Scenario.FORMAT_VERSION);
        }
        String name = text(required(top, "name", root), "name");
        String description = top.containsKey("description") ? text(top.get("description"), "description") : "";
        long seed = top.containsKey("seed") ? integer(top.get("seed"), "seed") : 42;
        long uniqueFrom = top.containsKey("unique_ids_from") ? integer(top.get("unique_ids_from"), "unique_ids_from") : 1L << 40;
        List<String> applies = new ArrayList<>();
        if (top.containsKey("applies_to")) {
            for (Node n : list(top.get("applies_to"), "applies_to")) applies.add(text(n, "an algorithm name"));
        }
        Map<String, String> knobs = top.containsKey("knobs") ? knobs(top.get("knobs")) : Map.of();
        Map<String, Map<String, String>> variants = new LinkedHashMap<>();
        if (top.containsKey("variants")) {
            for (NodeTuple t : tuples(top.get("variants"), "variants")) {
                variants.put(key(t), knobs(t.getValueNode()));
            }
        }
        Map<String, Scenario.FileSpec> files = new LinkedHashMap<>();
        if (top.containsKey("files")) {
            for (NodeTuple t : tuples(top.get("files"), "files")) {
                Map<String, Node> f = map(t.getValueNode(), "file '" + key(t) + "'", Set.of("pages", "content"));
                long pages = positive(required(f, "pages", t.getValueNode()), "pages");
                Content c = content(required(f, "content", t.getValueNode()), Map.of());
                if (c instanceof Content.Unique || c instanceof Content.SameAs) {
                    throw bad(f.get("content"), "a file's content is zero, {distinct: K} or {ids: FIRST}");
                }
                files.put(key(t), new Scenario.FileSpec(key(t), pages, c));
            }
        }
        List<Step> steps = new ArrayList<>();
        if (top.containsKey("processes")) {
            for (Node n : list(top.get("processes"), "processes")) {
                steps.add(new Step.Spawn(origin(n), name(n, "a process name")));
            }
        }
        for (Node n : list(required(top, "steps", root), "steps")) {
            steps.addAll(step(n, Map.of(), false));
        }
        for (Step s : steps) {
            if (s instanceof Step.Expect e && e.variant() != null && !variants.containsKey(e.variant())) {
                throw new BadScenario(e.origin() + ": expect for variant '" + e.variant() + "', which the scenario does not define"
                        + (variants.isEmpty() ? "" : " (variants: " + String.join(", ", variants.keySet()) + ")"));
            }
        }
        String modelOnly = top.containsKey("model_only") ? text(top.get("model_only"), "model_only") : null;
        Map<String, String> domains = top.containsKey("domains") ? domains(top.get("domains"), steps) : Map.of();
        return new Scenario((int) v, name, description, seed, uniqueFrom, applies, modelOnly, knobs, variants, files, steps, origin(root),
                domains);
    }

    /**
     * {@code domains: {PROCESS: DOMAIN, ...}}: the security domain of spawned processes. Each
     * PROCESS must be spawned by the scenario ({@code processes} or a {@code spawn} step); a forked
     * child is always in its parent's domain, so naming one is an error.
     */
    private Map<String, String> domains(Node n, List<Step> steps) {
        Set<String> spawned = new java.util.HashSet<>();
        Set<String> forked = new java.util.HashSet<>();
        for (Step s : steps) {
            if (s instanceof Step.Spawn sp) spawned.add(sp.process());
            if (s instanceof Step.Fork f) forked.add(f.child());
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (NodeTuple t : tuples(n, "domains")) {
            String process = key(t);
            if (forked.contains(process) && !spawned.contains(process)) {
                throw bad(t.getKeyNode(), "domains: '" + process + "' is a forked child, which is always in its parent's domain;"
                        + " expected a process the scenario spawns");
            }
            if (!spawned.contains(process)) {
                throw bad(t.getKeyNode(), "domains: no process '" + process + "' is spawned; expected one of "
                        + new java.util.TreeSet<>(spawned));
            }
            m.put(process, text(t.getValueNode(), "a domain name"));
        }
        return m;
    }

    /** One step (several when it is a repeat); {@code vars} are the enclosing repeats' counters. */
    private List<Step> step(Node n, Map<String, Long> vars, boolean periodic) {
        List<NodeTuple> ts = tuples(n, "a step");
        if (ts.size() != 1) {
            throw bad(n, "a step is one 'operation: arguments' pair; expected one of " + String.join(", ", new java.util.TreeSet<>(STEP_OPS)));
        }
        String op = key(ts.get(0));
        Node a = ts.get(0).getValueNode();
        Origin o = origin(n);
        if (periodic && !Set.of("write", "patch", "read", "madvise", "repeat").contains(op)) {
            throw bad(n, "'" + op + "' inside 'every': a periodic writer only writes, patches, reads and madvises");
        }
        return switch (op) {
            case "spawn" -> List.of(new Step.Spawn(o, processArg(a, vars)));
            case "exec" -> List.of(new Step.Exec(o, processArg(a, vars)));
            case "exit" -> List.of(new Step.Exit(o, processArg(a, vars)));
            case "phase" -> List.of(new Step.Phase(o, sub(text(a, "a phase name"), a, vars)));
            case "mmap" -> {
                Map<String, Node> m = map(a, "mmap", Set.of("process", "region", "pages", "prot", "shared", "file", "file_page", "after", "before", "errno"));
                yield List.of(new Step.Mmap(o, str(m, "process", a, vars), str(m, "region", a, vars),
                        positive(subNode(required(m, "pages", a), vars), "pages"),
                        m.containsKey("prot") ? prot(m.get("prot")) : VmFlags.PROT_READ | VmFlags.PROT_WRITE,
                        m.containsKey("shared") && bool(m.get("shared"), "shared"),
                        m.containsKey("file") ? sub(text(m.get("file"), "a file name"), a, vars) : null,
                        m.containsKey("file_page") ? nonNegative(subNode(m.get("file_page"), vars), "file_page") : 0,
                        placement(m, a, vars), errno(m)));
            }
            case "munmap" -> {
                Map<String, Node> m = map(a, "munmap", Set.of("process", "region", "pages", "errno"));
                yield List.of(new Step.Munmap(o, str(m, "process", a, vars), str(m, "region", a, vars), range(m.get("pages"), vars), errno(m)));
            }
            case "mprotect" -> {
                Map<String, Node> m = map(a, "mprotect", Set.of("process", "region", "pages", "prot", "errno"));
                yield List.of(new Step.Mprotect(o, str(m, "process", a, vars), str(m, "region", a, vars), range(m.get("pages"), vars),
                        prot(required(m, "prot", a)), errno(m)));
            }
            case "mremap" -> {
                Map<String, Node> m = map(a, "mremap", Set.of("process", "region", "pages", "new_pages", "to", "after", "before", "at", "errno"));
                if ((m.containsKey("after") || m.containsKey("before") || m.containsKey("at")) && !m.containsKey("to")) {
                    throw bad(a, "mremap 'after', 'before' or 'at' places a moved range: it needs 'to' (the moved range's region name)");
                }
                if (!m.containsKey("to") && !m.containsKey("new_pages")) {
                    throw bad(a, "mremap needs 'to' (move) or 'new_pages' (resize in place), or both");
                }
                yield List.of(new Step.Mremap(o, str(m, "process", a, vars), str(m, "region", a, vars), range(m.get("pages"), vars),
                        m.containsKey("new_pages") ? positive(subNode(m.get("new_pages"), vars), "new_pages") : -1,
                        m.containsKey("to") ? sub(text(m.get("to"), "a region name"), a, vars) : null,
                        placement(m, a, vars), errno(m)));
            }
            case "brk" -> {
                Map<String, Node> m = map(a, "brk", Set.of("process", "pages"));
                long pages = integer(subNode(required(m, "pages", a), vars), "pages");
                if (pages == 0) throw bad(m.get("pages"), "brk pages 0: expected the number of pages to grow (> 0) or shrink (< 0) the heap by");
                yield List.of(new Step.Brk(o, str(m, "process", a, vars), pages));
            }
            case "write" -> {
                Map<String, Node> m = map(a, "write", Set.of("process", "region", "pages", "content"));
                Node c = required(m, "content", a);
                if (c instanceof MappingNode && map(c, "content", Set.of("distinct", "base", "ids", "same_as", "dataset")).containsKey("dataset")) {
                    if (m.containsKey("pages")) throw bad(m.get("pages"), "a dataset content lists its own pages (the captured VMA's); leave 'pages' out");
                    DatasetImages.VmaContent dc = datasetContent(map(c, "content", Set.of("dataset")).get("dataset"), vars);
                    String src = "dataset " + dc.vma().name() + "@0x" + Long.toHexString(dc.vma().start());
                    yield List.of(new Step.Write(o, str(m, "process", a, vars), str(m, "region", a, vars), new Pages.Listed(dc.pages(), src),
                            new Content.Listed(dc.ids(), src)));
                }
                yield List.of(new Step.Write(o, str(m, "process", a, vars), str(m, "region", a, vars), pages(m.get("pages"), vars),
                        content(c, vars)));
            }
            case "patch" -> {
                Map<String, Node> m = map(a, "patch", Set.of("process", "region", "pages"));
                yield List.of(new Step.Patch(o, str(m, "process", a, vars), str(m, "region", a, vars), pages(m.get("pages"), vars)));
            }
            case "read" -> {
                Map<String, Node> m = map(a, "read", Set.of("process", "region", "pages"));
                yield List.of(new Step.Read(o, str(m, "process", a, vars), str(m, "region", a, vars), pages(m.get("pages"), vars)));
            }
            case "madvise" -> {
                Map<String, Node> m = map(a, "madvise", Set.of("process", "region", "pages", "advice", "errno"));
                yield List.of(new Step.Madvise(o, str(m, "process", a, vars), str(m, "region", a, vars), range(m.get("pages"), vars),
                        advice(required(m, "advice", a)), errno(m)));
            }
            case "process_madvise" -> {
                Map<String, Node> m = map(a, "process_madvise", Set.of("process", "target", "region", "pages", "advice", "errno"));
                yield List.of(new Step.ProcessMadvise(o, str(m, "process", a, vars), str(m, "target", a, vars), str(m, "region", a, vars),
                        range(m.get("pages"), vars), advice(required(m, "advice", a)), errno(m)));
            }
            case "prctl" -> {
                Map<String, Node> m = map(a, "prctl", Set.of("process", "merge_any", "errno"));
                yield List.of(new Step.Prctl(o, str(m, "process", a, vars), bool(required(m, "merge_any", a), "merge_any"), errno(m)));
            }
            case "ksm_enabled" -> {
                Map<String, Node> m = map(a, "ksm_enabled", Set.of("process", "mode", "errno"));
                Node mode = required(m, "mode", a);
                if (!Set.of("always", "madvise", "never").contains(text(mode, "mode"))) {
                    throw bad(mode, "ksm_enabled mode '" + text(mode, "mode") + "': expected always, madvise or never");
                }
                yield List.of(new Step.KsmEnabled(o, str(m, "process", a, vars), text(mode, "mode"), errno(m)));
            }
            case "clone_range" -> {
                Map<String, Node> m = map(a, "clone_range", Set.of("process", "source", "from", "pages", "to", "errno"));
                yield List.of(new Step.CloneRange(o, str(m, "process", a, vars),
                        m.containsKey("source") ? str(m, "source", a, vars) : str(m, "process", a, vars),
                        str(m, "from", a, vars), range(m.get("pages"), vars), str(m, "to", a, vars), errno(m)));
            }
            case "fork" -> {
                Map<String, Node> m = map(a, "fork", Set.of("process", "child"));
                yield List.of(new Step.Fork(o, str(m, "process", a, vars), str(m, "child", a, vars)));
            }
            case "knob" -> List.of(new Step.Knob(o, knobs(a)));
            case "wait" -> List.of(waitStep(a, o, vars));
            case "expect" -> {
                Map<String, Long> values = new LinkedHashMap<>();
                String variant = null;
                for (NodeTuple t : tuples(a, "expect")) {
                    if (key(t).equals("variant")) {
                        variant = text(t.getValueNode(), "variant");
                        continue;
                    }
                    values.put(sub(key(t), t.getKeyNode(), vars), integer(subNode(t.getValueNode(), vars), key(t)));
                }
                if (values.isEmpty()) throw bad(a, "expect names no counter");
                yield List.of(new Step.Expect(o, variant, values));
            }
            case "every" -> {
                Map<String, Node> m = map(a, "every", Set.of("ms", "steps"));
                List<Step> body = new ArrayList<>();
                for (Node s : list(required(m, "steps", a), "every's steps")) body.addAll(step(s, vars, true));
                yield List.of(new Step.Every(o, positive(subNode(required(m, "ms", a), vars), "ms"), body));
            }
            case "repeat" -> {
                Map<String, Node> m = map(a, "repeat", Set.of("times", "as", "steps"));
                long times = positive(subNode(required(m, "times", a), vars), "times");
                String var = m.containsKey("as") ? text(m.get("as"), "a counter name") : "i";
                if (!var.matches("[a-z_]+")) throw bad(m.get("as"), "counter name '" + var + "': expected lower-case letters");
                List<Step> out = new ArrayList<>();
                for (long i = 0; i < times; i++) {
                    Map<String, Long> inner = new LinkedHashMap<>(vars);
                    inner.put(var, i);
                    for (Node s : list(required(m, "steps", a), "repeat's steps")) out.addAll(step(s, inner, periodic));
                }
                yield out;
            }
            default -> throw bad(ts.get(0).getKeyNode(), "unknown step '" + op + "'; expected one of " + String.join(", ", new java.util.TreeSet<>(STEP_OPS)));
        };
    }

    private Step.Wait waitStep(Node a, Origin o, Map<String, Long> vars) {
        if (a instanceof ScalarNode s) {
            if (s.getValue().equals("stable")) return new Step.Wait(o, Step.WaitKind.STABLE, 0);
            throw bad(a, "wait '" + s.getValue() + "': expected 'stable', {ms: N} or {full_scans: N}");
        }
        Map<String, Node> m = map(a, "wait", Set.of("ms", "full_scans"));
        if (m.size() != 1) throw bad(a, "wait takes one of ms or full_scans");
        if (m.containsKey("ms")) return new Step.Wait(o, Step.WaitKind.MS, positive(subNode(m.get("ms"), vars), "ms"));
        return new Step.Wait(o, Step.WaitKind.FULL_SCANS, positive(subNode(m.get("full_scans"), vars), "full_scans"));
    }

    /** {@code after: REGION} or {@code before: REGION}, or null (anywhere). */
    private Step.Placement placement(Map<String, Node> m, Node a, Map<String, Long> vars) {
        Step.Placement found = null;
        for (Step.Where w : Step.Where.values()) {
            String k = w.name().toLowerCase(java.util.Locale.ROOT);
            if (!m.containsKey(k)) continue;
            if (found != null) throw bad(a, "give one of 'after', 'before', 'at'");
            found = new Step.Placement(sub(name(m.get(k), "a region name"), a, vars), w);
        }
        return found;
    }

    private Step.Advice advice(Node adv) {
        return switch (text(adv, "advice")) {
            case "mergeable" -> Step.Advice.MERGEABLE;
            case "unmergeable" -> Step.Advice.UNMERGEABLE;
            case "dontneed" -> Step.Advice.DONTNEED;
            case "merge" -> Step.Advice.MERGE;
            default -> throw bad(adv, "advice '" + text(adv, "advice") + "': expected mergeable, unmergeable, dontneed or merge");
        };
    }

    /** The error a syscall step must fail with, or null (it must succeed). */
    private String errno(Map<String, Node> m) {
        Node n = m.get("errno");
        if (n == null) return null;
        String e = text(n, "errno");
        if (!ERRNOS.contains(e)) throw bad(n, "errno '" + e + "': expected one of " + String.join(", ", new java.util.TreeSet<>(ERRNOS)));
        return e;
    }

    private String processArg(Node a, Map<String, Long> vars) {
        if (a instanceof ScalarNode) return sub(name(a, "a process name"), a, vars);
        Map<String, Node> m = map(a, "the step", Set.of("process"));
        return str(m, "process", a, vars);
    }

    /**
     * {@code {path, process, vma}}: the anonymous pages of one captured VMA ({@link DatasetImages#vma}).
     * A relative path is taken from the scenario file's folder, else a shipped dataset's name. Each
     * dataset the scenario names gets its own range of content ids (from 2^48, 2^40 apart), so
     * two datasets never share a content by accident, and one dataset's VMAs share theirs.
     */
    private DatasetImages.VmaContent datasetContent(Node d, Map<String, Long> vars) {
        Map<String, Node> m = map(d, "dataset", Set.of("path", "process", "vma"));
        String path = sub(text(required(m, "path", d), "a dataset folder or name"), d, vars);
        Path p = Path.of(path);
        Path scenarioDir = Path.of(file).toAbsolutePath().getParent();
        if (!p.isAbsolute() && scenarioDir != null && Files.isDirectory(scenarioDir.resolve(p))) {
            p = scenarioDir.resolve(p);
        }
        try {
            DatasetSource src = Files.isDirectory(p) ? DatasetSource.of(p) : ShippedDatasets.resolve(path);
            long base = datasetIdBases.computeIfAbsent(src.label(), k -> (1L << 48) + (long) datasetIdBases.size() * (1L << 40));
            return DatasetImages.vma(src, (int) nonNegative(subNode(required(m, "process", d), vars), "process"),
                    sub(text(required(m, "vma", d), "a VMA index or start address"), d, vars), base);
        } catch (MemoryDataset.BadDataset e) {
            throw bad(d, e.getMessage());
        }
    }

    private Content content(Node n, Map<String, Long> vars) {
        if (n instanceof ScalarNode s) {
            return switch (s.getValue()) {
                case "zero" -> new Content.Zero();
                case "unique" -> new Content.Unique();
                default -> throw bad(n, "content '" + s.getValue() + "': expected zero, unique, {distinct: K}, {ids: FIRST} or {same_as: {process, region}}");
            };
        }
        Map<String, Node> m = map(n, "content", Set.of("distinct", "base", "ids", "same_as"));  // dataset: only in write steps
        if (m.containsKey("distinct")) {
            return new Content.Distinct(positive(subNode(m.get("distinct"), vars), "distinct"),
                    m.containsKey("base") ? nonNegative(subNode(m.get("base"), vars), "base") : 0);
        }
        if (m.containsKey("ids")) return new Content.Sequence(nonNegative(subNode(m.get("ids"), vars), "ids"));
        if (m.containsKey("same_as")) {
            Node sa = m.get("same_as");
            Map<String, Node> s = map(sa, "same_as", Set.of("process", "region", "from"));
            return new Content.SameAs(str(s, "process", sa, vars), str(s, "region", sa, vars),
                    s.containsKey("from") ? nonNegative(subNode(s.get("from"), vars), "from") : 0);
        }
        throw bad(n, "content: expected zero, unique, {distinct: K}, {ids: FIRST} or {same_as: {process, region}}");
    }

    private PageRange range(Node n, Map<String, Long> vars) {
        if (n == null) return PageRange.ALL;
        String t = sub(text(n, "pages"), n, vars);
        if (t.equals("all")) return PageRange.ALL;
        Matcher m = RANGE.matcher(t);
        if (!m.matches()) throw bad(n, "pages '" + t + "': expected all, N or FIRST-LAST (0-based, inclusive)");
        long first = Long.parseLong(m.group(1));
        long last = m.group(2) == null ? first : Long.parseLong(m.group(2));
        if (last < first) throw bad(n, "pages '" + t + "': the last page is before the first");
        return new PageRange(first, last);
    }

    private Pages pages(Node n, Map<String, Long> vars) {
        if (n instanceof MappingNode) {
            Map<String, Node> m = map(n, "pages", Set.of("random"));
            Node r = required(m, "random", n);
            Map<String, Node> rr = map(r, "random", Set.of("seed", "draw", "skip", "fraction"));
            try {
                return new Pages.Random(integer(subNode(required(rr, "seed", r), vars), "seed"),
                        (int) (rr.containsKey("draw") ? nonNegative(subNode(rr.get("draw"), vars), "draw") : 0),
                        rr.containsKey("skip") ? fraction(rr.get("skip"), "skip") : 0.0,
                        fraction(required(rr, "fraction", r), "fraction"));
            } catch (IllegalArgumentException e) {
                throw bad(r, e.getMessage());
            }
        }
        return new Pages.Range(range(n, vars));
    }

    private int prot(Node n) {
        String t = text(n, "prot");
        if (t.equals("none")) return 0;
        if (t.isEmpty() || !t.matches("r?w?x?")) throw bad(n, "prot '" + t + "': expected none, or letters of rwx in that order (rw, r, rwx)");
        int p = 0;
        if (t.contains("r")) p |= VmFlags.PROT_READ;
        if (t.contains("w")) p |= VmFlags.PROT_WRITE;
        if (t.contains("x")) p |= VmFlags.PROT_EXEC;
        return p;
    }

    private Map<String, String> knobs(Node n) {
        Map<String, String> k = new LinkedHashMap<>();
        for (NodeTuple t : tuples(n, "knobs")) {
            k.put(key(t), text(t.getValueNode(), "the value of " + key(t)));
        }
        return k;
    }

    // ---------------------------------------------------------------- node helpers

    private Map<String, Node> map(Node n, String what, Set<String> accepted) {
        Map<String, Node> m = new LinkedHashMap<>();
        for (NodeTuple t : tuples(n, what)) {
            String k = key(t);
            if (!accepted.contains(k)) {
                throw bad(t.getKeyNode(), "unknown key '" + k + "' in " + what + "; accepted: " + String.join(", ", new java.util.TreeSet<>(accepted)));
            }
            if (m.put(k, t.getValueNode()) != null) throw bad(t.getKeyNode(), "key '" + k + "' given twice in " + what);
        }
        return m;
    }

    private List<NodeTuple> tuples(Node n, String what) {
        if (!(n instanceof MappingNode m)) throw bad(n, what + ": expected a mapping (key: value lines)");
        return m.getValue();
    }

    private List<Node> list(Node n, String what) {
        if (!(n instanceof SequenceNode s)) throw bad(n, what + ": expected a list ('- ' items)");
        return s.getValue();
    }

    private String key(NodeTuple t) {
        return text(t.getKeyNode(), "a key");
    }

    private String text(Node n, String what) {
        if (!(n instanceof ScalarNode s)) throw bad(n, what + ": expected a single value, not a list or mapping");
        return s.getValue();
    }

    private String name(Node n, String what) {
        String t = text(n, what);
        if (!t.matches("[A-Za-z0-9_.{}*+-]+")) throw bad(n, what + " '" + t + "': expected letters, digits, '_', '-' or '.'");
        return t;
    }

    private String str(Map<String, Node> m, String key, Node parent, Map<String, Long> vars) {
        Node n = required(m, key, parent);
        return sub(name(n, key), n, vars);
    }

    private Node required(Map<String, Node> m, String key, Node parent) {
        Node n = m.get(key);
        if (n == null) throw bad(parent, "missing '" + key + "'");
        return n;
    }

    private long integer(Node n, String what) {
        String t = text(n, what).replace("_", "");
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw bad(n, what + " '" + text(n, what) + "': expected an integer");
        }
    }

    private long positive(Node n, String what) {
        long v = integer(n, what);
        if (v <= 0) throw bad(n, what + " " + v + ": expected > 0");
        return v;
    }

    private long nonNegative(Node n, String what) {
        long v = integer(n, what);
        if (v < 0) throw bad(n, what + " " + v + ": expected >= 0");
        return v;
    }

    private double fraction(Node n, String what) {
        try {
            double d = Double.parseDouble(text(n, what));
            if (d < 0 || d > 1) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw bad(n, what + " '" + text(n, what) + "': expected a fraction between 0 and 1");
        }
    }

    private boolean bool(Node n, String what) {
        return switch (text(n, what)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw bad(n, what + " '" + text(n, what) + "': expected true or false");
        };
    }

    /** A scalar node with the repeat counters substituted (for numbers given as {i*K+C}). */
    private Node subNode(Node n, Map<String, Long> vars) {
        if (vars.isEmpty() || !(n instanceof ScalarNode s) || !s.getValue().contains("{")) return n;
        return new ScalarNode(s.getTag(), true, sub(s.getValue(), n, vars), s.getScalarStyle(), s.getStartMark(), s.getEndMark());
    }

    /** Replaces {@code {i}}, {@code {i+K}}, {@code {i-K}}, {@code {i*K}}, {@code {i*K+C}} by their values. */
    private String sub(String text, Node at, Map<String, Long> vars) {
        if (!text.contains("{")) return text;
        Matcher m = SUBSTITUTION.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Long v = vars.get(m.group(1));
            if (v == null) throw bad(at, "'{" + m.group(1) + "...}' outside a repeat that counts with '" + m.group(1) + "'");
            long x = v * (m.group(2) == null ? 1 : Long.parseLong(m.group(2)));
            if (m.group(3) != null) x += (m.group(3).equals("+") ? 1 : -1) * Long.parseLong(m.group(4));
            m.appendReplacement(out, Long.toString(x));
        }
        m.appendTail(out);
        if (out.indexOf("{") >= 0) throw bad(at, "'" + text + "': expected substitutions of the form {i}, {i+K}, {i-K}, {i*K} or {i*K+C}");
        return out.toString();
    }

    private Origin origin(Node n) {
        return new Origin(file, n.getStartMark().map(mk -> mk.getLine() + 1).orElse(0));
    }

    private BadScenario bad(Node n, String message) {
        int line = n == null ? 0 : n.getStartMark().map(Mark::getLine).orElse(-1) + 1;
        return new BadScenario(file + ":" + line + ": " + message);
    }
}
