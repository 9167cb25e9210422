package dev.reclaim.bench.scale;

import java.util.SplittableRandom;

/**
 * Keys and operations of the scale mix, drawn before the measured window so that the window times the map
 * only. Key index {@code i} in {@code [0, range)} maps to key {@link #key(long)} (a bijection that scatters
 * neighbouring indices); the prefill holds the even indices, so half the range is present and the 5% puts and
 * 5% removes keep it so.
 */
final class ScaleKeys {

    /** Operation codes. */
    static final byte GET = 0;
    static final byte PUT = 1;
    static final byte REMOVE = 2;

    final long[] keys;
    final byte[] ops;

    private ScaleKeys(long[] keys, byte[] ops) {
        this.keys = keys;
        this.ops = ops;
    }

    /** The key of index {@code i}: the splitmix64 finaliser, a bijection of 64-bit values. */
    static long key(long i) {
        long z = i + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * {@code n} operations (90% get, 5% put, 5% remove) on indices in {@code [0, range)}, uniform or Zipf.
     *
     * @param zipf the Zipf exponent, or 0 for uniform
     */
    static ScaleKeys draw(int n, long range, double zipf, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        ZipfSampler z = zipf > 0 ? new ZipfSampler(range, zipf) : null;
        long[] keys = new long[n];
        byte[] ops = new byte[n];
        for (int i = 0; i < n; i++) {
            long idx = z != null ? z.sample(rnd) - 1 : rnd.nextLong(range);
            keys[i] = key(idx);
            int p = rnd.nextInt(100);
            ops[i] = p < 90 ? GET : p < 95 ? PUT : REMOVE;
        }
        return new ScaleKeys(keys, ops);
    }

    /**
     * Zipf ranks in {@code [1, n]} with P(k) proportional to k^-s by rejection-inversion (W. Hörmann and
     * G. Derflinger, "Rejection-inversion to generate variates from monotone discrete distributions", 1996):
     * constant time per sample, no table. Requires {@code s != 1}.
     */
    static final class ZipfSampler {
        private final long n;
        private final double s;
        private final double hX1;
        private final double hN;
        private final double squeeze;

        ZipfSampler(long n, double s) {
            if (s <= 0 || s == 1) {
                throw new IllegalArgumentException("Zipf exponent must be > 0 and != 1, got " + s);
            }
            this.n = n;
            this.s = s;
            this.hX1 = bigH(1.5) - 1;
            this.hN = bigH(n + 0.5);
            this.squeeze = 2 - bigHInv(bigH(2.5) - Math.pow(2, -s));
        }

        long sample(SplittableRandom rnd) {
            while (true) {
                double u = hN + rnd.nextDouble() * (hX1 - hN);
                double x = bigHInv(u);
                long k = Math.max(1, Math.min(n, (long) (x + 0.5)));
                if (k - x <= squeeze || u >= bigH(k + 0.5) - Math.pow(k, -s)) {
                    return k;
                }
            }
        }

        /** H(x) = x^(1-s) / (1-s), an antiderivative of x^-s. */
        private double bigH(double x) {
            return Math.pow(x, 1 - s) / (1 - s);
        }

        private double bigHInv(double y) {
            return Math.pow(y * (1 - s), 1 / (1 - s));
        }
    }
}
