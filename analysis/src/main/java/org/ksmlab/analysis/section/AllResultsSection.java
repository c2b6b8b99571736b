package org.ksmlab.analysis.section;

import static org.ksmlab.analysis.JmhResults.BENCHMARK;
import static org.ksmlab.analysis.JmhResults.ERROR;
import static org.ksmlab.analysis.JmhResults.METHOD;
import static org.ksmlab.analysis.JmhResults.METRIC;
import static org.ksmlab.analysis.JmhResults.PARAM_PREFIX;
import static org.ksmlab.analysis.JmhResults.SCORE;
import static org.ksmlab.analysis.JmhResults.SOURCE;
import static org.ksmlab.analysis.JmhResults.UNIT;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ksmlab.analysis.Results;
import org.ksmlab.analysis.render.DisplayTable;
import tech.tablesaw.api.Table;

/**
 * Appendix: the long table itself (benchmark, method, params, metric, score ± error, unit,
 * source), so nothing measured is hidden behind the sections' choices.
 */
public final class AllResultsSection implements ReportSection {

    @Override
    public String id() {
        return "all-results";
    }

    @Override
    public String title() {
        return "All results";
    }

    @Override
    public Optional<SectionOutput> build(Results results) {
        Table all = results.longTable();
        List<String> columns = new ArrayList<>(List.of(BENCHMARK, METHOD));
        all.columnNames().stream().filter(n -> n.startsWith(PARAM_PREFIX)).forEach(columns::add);
        columns.addAll(List.of(METRIC, SCORE, ERROR, UNIT, SOURCE));
        Table appendix = all.selectColumns(columns.toArray(String[]::new)).copy();
        appendix.column(ERROR).setName(SCORE + DisplayTable.ERROR_SUFFIX);
        appendix.setName("all-results");
        return Optional.of(new SectionOutput(
                List.of("Every metric of every benchmark entry, as JMH reported it (primary = the benchmark's score;"
                        + " other rows are secondary metrics: profilers and @AuxCounters)."),
                List.of(new SectionOutput.ReportTable("all-results", "All results (the long table)", appendix, false)),
                List.of()));
    }
}
