package org.ksmlab.analysis.section;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ksmlab.analysis.Fixtures;
import org.ksmlab.analysis.input.Results;
import org.ksmlab.analysis.render.DisplayTable;
import org.ksmlab.analysis.section.SectionOutput.ChartSpec;

/**
 * The exposure-vs-saving section on the {@code exposure} fixture (hand-chosen numbers, make_fixtures.py):
 * 10 trials, 50 held and 50 fresh guesses per wait; ksm saves 300 pages, ksm-same-domain 150. The
 * intervals are Wilson score intervals at 95 %, computed independently for these counts
 * (z = 1.959964: 50 of 50 → [0.929, 1.000], 50 of 100 → [0.404, 0.596], 200 of 200 → [0.981, 1.000]).
 */
class ExposureSectionTest {
    private static SectionOutput out;

    @BeforeAll
    static void build() throws Exception {
        out = new ExposureSection().build(Results.read(List.of(Fixtures.path("exposure")))).orElseThrow();
    }

    @Test
    void theTableShouldShowSavingRetainedAndTheAttackersRatesWithIntervals() {
        DisplayTable d = DisplayTable.of(out.tables().get(0).data());
        List<List<String>> all = new ArrayList<>();
        all.add(d.headers());
        all.addAll(d.rows());
        assertEquals(List.of(
                List.of("merger", "saved pages", "saving retained %", "CPU ms", "COW faults", "cross-domain merges", "channel",
                        "TPR [95 % CI]", "FPR [95 % CI]", "accuracy [95 % CI]", "reliable after (ms)", "bits/h per probe page"),
                List.of("ksm", "300", "100", "4.00", "10", "200", "store", "1.000 [0.929, 1.000]", "0.000 [0.000, 0.071]",
                        "1.000 [0.963, 1.000]", "4000", "900"),
                List.of("sksm", "301", "100", "1.00", "20", "199", "madvise", "1.000 [0.963, 1.000]", "0.000 [0.000, 0.037]",
                        "1.000 [0.981, 1.000]", "0.00650", "500000000"),
                List.of("ksm-same-domain", "150", "50.0", "6.00", "0", "0", "store", "0.000 [0.000, 0.071]", "0.000 [0.000, 0.071]",
                        "0.500 [0.404, 0.596]", "never", "0.00"),
                List.of("ksm-fake-merge", "300", "100", "4.10", "40", "200", "store", "1.000 [0.929, 1.000]", "1.000 [0.929, 1.000]",
                        "0.500 [0.404, 0.596]", "never", "0.00")), all);
        assertEquals("exposure-vm-fleet-400", out.tables().get(0).id());
    }

    @Test
    void theTradeOffChartShouldPlaceEachMergerBySavingRetainedAndAccuracy() {
        ChartSpec c = out.charts().get(0);
        assertEquals(ChartSpec.Kind.POINTS, c.kind());
        assertEquals(List.of("ksm", "sksm", "ksm-same-domain", "ksm-fake-merge"), c.series().stream().map(SectionOutput.Series::name).toList());
        assertEquals(List.of(50.0), c.series().get(2).x());
        assertEquals(List.of(0.5), c.series().get(2).y());
        assertEquals(List.of(1.0), c.series().get(0).y());
        assertTrue(c.drawable());
    }

    @Test
    void theWaitChartShouldShowTheStoreChannelsAccuracyAfterEachWait() {
        ChartSpec c = out.charts().get(1);
        assertEquals(ChartSpec.Kind.LINES, c.kind());
        assertEquals(List.of(0.5, 4.0), c.series().get(0).x());
        assertEquals(List.of(0.7, 1.0), c.series().get(0).y()); // ksm: 20 of 50 found after 0.5 s, all after 4 s
        assertEquals(List.of(0.5, 0.5), c.series().get(3).y()); // fake merging: TPR = FPR at every wait
    }

    @Test
    void everyDecisionCountShouldReachTheCsv() {
        var detail = out.tables().stream().filter(t -> t.id().equals("exposure-decisions")).findFirst().orElseThrow();
        assertEquals(8, detail.data().rowCount());
        assertTrue(!detail.inReport());
    }

    @Test
    void theProseShouldSayWhatEachDefenceKeeps() {
        String sentence = out.prose().stream().filter(p -> p.startsWith("On vm-fleet")).findFirst().orElseThrow();
        assertEquals("On vm-fleet (400 pages): ksm saves 300 pages and lets the attacker detect held guesses with accuracy 1.00,"
                + " reliably after 4000 ms; sksm keeps 100 % at accuracy 1.00 (madvise), ksm-same-domain keeps 50.0 % at accuracy"
                + " 0.500 (store), ksm-fake-merge keeps 100 % at accuracy 0.500 (store).", sentence);
    }
}
