package org.ksmlab.engine.exposure;

import org.apache.commons.math3.distribution.HypergeometricDistribution;

/**
 * The attacker's decisions against the truth, counted over probes: true positives (the victim
 * holds the guess and the attacker says so), false negatives, false positives, true negatives.
 * Every trial probes as many guesses the victim holds as guesses it does not, so positives and
 * negatives are equally many and accuracy is the balanced accuracy.
 */
public record Confusion(long tp, long fn, long fp, long tn) {
    /** The level below which {@link #pValue()} counts the decisions as better than chance. */
    public static final double SIGNIFICANCE = 0.01;

    public static final Confusion EMPTY = new Confusion(0, 0, 0, 0);

    /** These counts plus one decision. */
    Confusion plus(boolean held, boolean saysHeld) {
        return new Confusion(tp + (held && saysHeld ? 1 : 0), fn + (held && !saysHeld ? 1 : 0),
                fp + (!held && saysHeld ? 1 : 0), tn + (!held && !saysHeld ? 1 : 0));
    }

    public long positives() {
        return tp + fn;
    }

    public long negatives() {
        return fp + tn;
    }

    /** True-positive rate: the share of held guesses detected (0 without positives). */
    public double tpr() {
        return positives() == 0 ? 0 : (double) tp / positives();
    }

    /** False-positive rate: the share of guesses not held that were called held (0 without negatives). */
    public double fpr() {
        return negatives() == 0 ? 0 : (double) fp / negatives();
    }

    /** Balanced accuracy, (TPR + 1 − FPR) / 2: 0.5 is chance, 1 is every decision right. */
    public double accuracy() {
        return (tpr() + 1 - fpr()) / 2;
    }

    /** Whether the decisions are reliable: at least 90 % of held guesses found, at most 10 % false alarms. */
    public boolean reliable() {
        return positives() > 0 && negatives() > 0 && tpr() >= 0.9 && fpr() <= 0.1;
    }

    /**
     * One-sided p-value of Fisher's exact test that the attacker says "held" more often for held
     * guesses than for the others: P(TP ≥ tp) when decisions are independent of the truth, with the
     * margins fixed (hypergeometric). 1 without decisions.
     */
    public double pValue() {
        long n = positives() + negatives();
        if (n == 0) {
            return 1;
        }
        HypergeometricDistribution h = new HypergeometricDistribution(null, (int) n, (int) (tp + fp), (int) positives());
        return h.upperCumulativeProbability((int) tp);
    }

    /**
     * What one decision tells about whether the victim holds a guess, in bits: the mutual
     * information between the truth and the decision, from these counts as a joint distribution
     * (at most 1 bit, since half the guesses are held). 0 unless the decisions beat chance at
     * {@link #SIGNIFICANCE} ({@link #pValue()}), so a defence whose decisions are at chance is
     * not credited with the small positive amount counting noise always gives.
     */
    public double bitsPerDecision() {
        long n = positives() + negatives();
        if (n == 0 || pValue() >= SIGNIFICANCE) {
            return 0;
        }
        double bits = 0;
        long[][] joint = {{tp, fn}, {fp, tn}};
        long[] truth = {positives(), negatives()};
        long[] said = {tp + fp, fn + tn};
        for (int x = 0; x < 2; x++) {
            for (int y = 0; y < 2; y++) {
                if (joint[x][y] > 0) {
                    double pxy = (double) joint[x][y] / n;
                    bits += pxy * Math.log((double) joint[x][y] * n / ((double) truth[x] * said[y])) / Math.log(2);
                }
            }
        }
        return Math.max(0, bits);
    }
}
