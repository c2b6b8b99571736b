package org.ksmlab.analysis.section;

import static org.ksmlab.analysis.input.JmhResults.BENCHMARK;
import static org.ksmlab.analysis.input.JmhResults.ERROR;
import static org.ksmlab.analysis.input.JmhResults.METHOD;
import static org.ksmlab.analysis.input.JmhResults.METRIC;
import static org.ksmlab.analysis.input.JmhResults.N;
import static org.ksmlab.analysis.input.JmhResults.PARAM_PREFIX;
import static org.ksmlab.analysis.input.JmhResults.SCORE;
import static org.ksmlab.analysis.input.JmhResults.SOURCE;
import static org.ksmlab.analysis.input.JmhResults.UNIT;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ksmlab.analysis.input.Results;
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
    public Part part() {
        return Part.APPENDIX;
    }

    @Override
    public Optional<SectionOutput> build(Results results) {
        Table all = results.longTable();
        List<String> columns = new ArrayList<>(List.of(BENCHMARK, METHOD));
        all.columnNames().stream().filter(n -> n.startsWith(PARAM_PREFIX)).forEach(columns::add);
        columns.addAll(List.of(METRIC, SCORE, ERROR, UNIT, N, SOURCE));
        Table appendix = all.selectColumns(columns.toArray(String[]::new)).copy();
        appendix.column(ERROR).setName(SCORE + SectionOutput.ERROR_SUFFIX);
        appendix.setName("all-results");
        return Optional.of(new SectionOutput(
                List.of("Every metric of every benchmark entry, as JMH reported it (primary = the benchmark's score, its"
                        + " mean over n iterations ± JMH's 99.9 % Student-t half-width; other rows are secondary metrics:"
                        + " profilers and @AuxCounters, whose score is their mean per iteration). The sections above"
                        + " use the medians of the same iterations instead."),
                List.of(new SectionOutput.ReportTable("all-results", "All results (the long table)", appendix)),
                List.of()));
    }
}
