package dev.reclaim.bench.soak;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The soak's trend check: flat noise passes, a slope or a late step fails, too few samples proves nothing. */
class TrendCheckTest {

    private static final TrendCheck CHECK = new TrendCheck("series", 10, 0.10);

    private static double[] times(int n) {
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = 10.0 * i;
        }
        return t;
    }

    @Test
    void noisyFlatSeriesAfterAWarmUpPasses() {
        SplittableRandom random = new SplittableRandom(1);
        double[] y = new double[360];
        for (int i = 0; i < y.length; i++) {
            double warm = i < 40 ? 5.0 * i : 200; // rises while warming up, then stays
            y[i] = warm + random.nextDouble(-15, 15);
        }
        TrendCheck.Verdict v = CHECK.check(times(y.length), y);
        assertTrue(v.ok(), v.text());
    }

    @Test
    void aSteadyCreepFailsTheSlopeTest() {
        double[] y = new double[360];
        for (int i = 0; i < y.length; i++) {
            y[i] = 200 + 0.3 * i; // +54 over the second half: above 10% of ~240 plus 10
        }
        TrendCheck.Verdict v = CHECK.check(times(y.length), y);
        assertFalse(v.ok(), v.text());
        assertTrue(v.text().contains("TRENDS UPWARD (slope"), v.text());
    }

    @Test
    void aJumpInTheLastQuarterFailsTheStepTest() {
        double[] y = new double[400];
        for (int i = 0; i < y.length; i++) {
            y[i] = i >= 390 ? 300 : 200; // the last few samples jump: too short a stretch to move the slope much
        }
        TrendCheck.Verdict v = CHECK.check(times(y.length), y);
        assertFalse(v.ok(), v.text());
        assertTrue(v.text().contains("last quarter above second"), v.text());
    }

    @Test
    void aFallingSeriesPasses() {
        double[] y = new double[100];
        for (int i = 0; i < y.length; i++) {
            y[i] = 1000 - 5 * i;
        }
        assertTrue(CHECK.check(times(y.length), y).ok());
    }

    @Test
    void tooFewSamplesIsNotAVerdictOfFlat() {
        TrendCheck.Verdict v = CHECK.check(times(5), new double[5]);
        assertFalse(v.ok(), v.text());
        assertTrue(v.text().contains("samples"), v.text());
    }
}
