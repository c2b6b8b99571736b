package org.ksmlab.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.ksmlab.bench.Suites;
import org.ksmlab.datasets.Mixes;
import org.ksmlab.engine.cost.CostModel;
import org.ksmlab.engine.knobs.Param;
import org.ksmlab.engine.sim.AlgorithmDefinition;
import org.ksmlab.engine.sim.Algorithms;
import org.ksmlab.engine.workload.WorkloadDefinition;
import org.ksmlab.engine.workload.Workloads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code list}: workloads with their parameters, algorithms with their knobs (each the same way:
 * its own knobs, then the cost settings every algorithm takes, listed once), workload mixes,
 * benchmark suites.
 */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List workloads, algorithms and benchmark suites.")
final class ListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("Workloads (--workload name:key=value,...):");
        for (WorkloadDefinition d : Workloads.all()) {
            out.printf("  %-12s %s%n", d.name(), d.description());
            for (Param p : d.params()) {
                out.printf("      %s%n", p.help());
            }
        }
        out.println();
        out.println("Algorithms (--algo NAME, knobs with --set key=value):");
        for (AlgorithmDefinition a : Algorithms.all()) {
            out.printf("  %-16s %s%n", a.name(), a.description());
            for (Param p : a.knobs()) {
                out.printf("      %s%n", p.help());
            }
            out.printf("      %s%n", a.knobs().isEmpty() ? "no knobs of its own; the cost settings below" : "and the cost settings below");
        }
        out.println("  Cost settings, taken by every algorithm (--set cost.NAME=NS, --set cost.file=F; none has no CPU to model):");
        for (Param p : CostModel.SETTINGS) {
            out.printf("      %s%n", p.help());
        }
        out.println("  Kernel knobs, where kernels and machines differ (--set kernel.NAME=VALUE, or a scenario's variant; defaults: Linux 6.18"
                + " on the development machine; kernel-check measures the running kernel's):");
        org.ksmlab.engine.mm.KernelConfig.describe().forEach((k, d) ->
                out.printf("      %s (default %d): %s%n", k, org.ksmlab.engine.mm.KernelConfig.DEFAULTS.values().get(k), d));
        out.println();
        out.println("Scenarios (--scenario NAME, or a scenario file; datasets/scenarios/):");
        for (String name : org.ksmlab.datasets.scenario.Scenarios.names()) {
            org.ksmlab.engine.scenario.Scenario sc = org.ksmlab.datasets.scenario.Scenarios.load(name);
            out.printf("  %-38s %s%n", name, sc.description());
            if (!sc.variants().isEmpty()) {
                out.printf("      variants: %s%n", String.join(", ", sc.variants().keySet()));
            }
        }
        out.println();
        out.println("Memory datasets (captured real processes, hashes only; --workload dataset:path=NAME; datasets/real/README.md):");
        for (String name : org.ksmlab.datasets.memory.ShippedDatasets.names()) {
            var m = org.ksmlab.datasets.memory.DatasetReader.manifest(org.ksmlab.datasets.memory.DatasetSource.shipped(name));
            out.printf("  %-14s %d processes (%s), %d anonymous pages%n", name, m.processes().size(),
                    String.join(", ", m.processes().stream().map(org.ksmlab.datasets.memory.MemoryDataset.ProcessInfo::comm).toList()), m.totals().anonPages());
        }
        out.println();
        out.println("Workload mixes (the benchmarks' mix parameter; datasets/README.md), at 8000 pages (a fixed-size mix as it is):");
        for (Mixes.Mix m : Mixes.all()) {
            out.printf("  %-14s %s%n", m.name(), m.description());
            out.printf("      %s%n", Mixes.spec(m.name(), 8000));
        }
        out.println();
        out.println("Benchmark suites (./run.sh bench --suite NAME [--shard i/n]):");
        for (Suites.Suite s : Suites.all()) {
            out.printf("  %-12s %s%n", s.name(), s.description());
        }
        out.flush();
        return 0;
    }
}
