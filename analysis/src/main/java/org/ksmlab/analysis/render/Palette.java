package org.ksmlab.analysis.render;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.ksmlab.analysis.section.FidelitySection;
import org.ksmlab.analysis.section.Mergers;

/**
 * The report's colours: one fixed colour per merger, the same in every chart (so ksm is blue
 * wherever it appears), black for the live kernel, and for any other series (sleep values,
 * working sets) colours from a second list that no merger uses, in order of appearance. Line
 * charts also give each merger its own marker, so lines that coincide (sksm and
 * sksm-resizable often do) can still be told apart.
 */
public final class Palette {
    private Palette() {}

    /** Merger (and kernel) series → colour. */
    static final Map<String, Color> FIXED = Map.of(
            "none", new Color(0x7f7f7f),            // grey: the baseline
            "ksm", new Color(0x1f77b4),             // blue
            "sksm", new Color(0xff7f0e),            // orange
            "sksm-resizable", new Color(0x2ca02c),  // green
            "sksm-aged", new Color(0x9467bd),       // purple
            "ksm-zero-only", new Color(0x9ecae1),   // light blue: ksm's family
            "ksm-same-domain", new Color(0x08306b), // navy
            "ksm-fake-merge", new Color(0xc49c94),  // tan
            FidelitySection.MODEL_SERIES, new Color(0x1f77b4), // the model's ksm: ksm's blue
            FidelitySection.KERNEL_SERIES, Color.BLACK);

    /** Colours for series that are not mergers; none of them is a merger's. */
    static final List<Color> OTHERS = List.of(new Color(0x17becf), new Color(0x8c564b), new Color(0xe377c2),
            new Color(0xbcbd22), new Color(0xd62728), new Color(0x393b79), new Color(0x637939), new Color(0x843c39));

    static {
        if (!FIXED.keySet().containsAll(Mergers.ORDER)) {
            throw new IllegalStateException("every merger of Mergers.ORDER needs a colour: " + Mergers.ORDER);
        }
    }

    /** Merger → marker shape in line charts; other series get circles. */
    static final Map<String, Marker> MARKERS = Map.of(
            "none", SeriesMarkers.CIRCLE, "ksm", SeriesMarkers.SQUARE, "sksm", SeriesMarkers.DIAMOND,
            "sksm-resizable", SeriesMarkers.TRIANGLE_UP, "sksm-aged", SeriesMarkers.TRIANGLE_DOWN,
            "ksm-zero-only", SeriesMarkers.SQUARE, "ksm-same-domain", SeriesMarkers.SQUARE, "ksm-fake-merge", SeriesMarkers.SQUARE);

    /** The marker of a series in a line chart. */
    public static Marker marker(String seriesName) {
        return MARKERS.getOrDefault(seriesName, SeriesMarkers.CIRCLE);
    }

    /** The colour of each series, in order: fixed ones by name, the rest from {@link #OTHERS} in turn. */
    public static Color[] colours(List<String> seriesNames) {
        List<Color> out = new ArrayList<>();
        int next = 0;
        for (String name : seriesNames) {
            Color fixed = FIXED.get(name);
            out.add(fixed != null ? fixed : OTHERS.get(next++ % OTHERS.size()));
        }
        return out.toArray(Color[]::new);
    }
}
