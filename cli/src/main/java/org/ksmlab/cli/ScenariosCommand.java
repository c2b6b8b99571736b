package org.ksmlab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ksmlab.datasets.scenario.Scenarios;
import org.ksmlab.engine.scenario.Scenario;
import org.ksmlab.engine.scenario.ScenarioSimulation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scenarios --out DIR}: runs every shipped scenario, each variant, on the model under
 * {@code --algo} (ksm by default) and writes {@code DIR/<name>__<variant>__<algo>.json} (a name's
 * '/' becomes '_'; "default" for a scenario without variants), each exactly the
 * {@code simulate --scenario --json} object, atomically. The report's seed-question and selftest
 * sections read them. A scenario not meant for the algorithm is skipped.
 */
@Command(name = "scenarios", mixinStandardHelpOptions = true,
        description = {"Run every shipped scenario (each variant) on the model and write DIR/<name>__<variant>__<algo>.json,",
                "each the 'simulate --scenario --json' object: what the report's scenario sections read."})
final class ScenariosCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder for the scenario files")
    Path out;

    @Option(names = "--algo", defaultValue = "ksm", paramLabel = "NAME", description = "the merger (default ${DEFAULT-VALUE})")
    String algo;

    @Option(names = "--resume", description = "keep the files already in --out and write only the missing ones")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        org.ksmlab.engine.sim.Algorithms.get(algo);
        PrintWriter log = spec.commandLine().getOut();
        List<String[]> runs = new ArrayList<>();
        for (String name : Scenarios.names()) {
            Scenario s = Scenarios.load(name);
            if (!s.appliesTo(algo)) continue;
            if (s.variants().isEmpty()) {
                runs.add(new String[] {name, null});
            } else {
                s.variants().keySet().forEach(v -> runs.add(new String[] {name, v}));
            }
        }
        Files.createDirectories(out);
        ObjectMapper json = new ObjectMapper();
        int k = 0;
        for (String[] r : runs) {
            String file = r[0].replace('/', '_') + "__" + (r[1] == null ? "default" : r[1]) + "__" + algo + ".json";
            Path target = out.resolve(file);
            k++;
            if (resume && Files.isRegularFile(target)) {
                continue;
            }
            log.printf("== scenario [%d/%d] %s%s%n", k, runs.size(), r[0], r[1] == null ? "" : " [" + r[1] + "]");
            log.flush();
            ScenarioSimulation.Outcome o = ScenarioSimulation.run(Scenarios.load(r[0]), r[1], algo, Map.of());
            AtomicFiles.write(target, json.writeValueAsString(o.toJsonObject()) + "\n");
        }
        log.printf("== scenarios: %d runs in %s%n", runs.size(), out);
        log.flush();
        return 0;
    }
}
