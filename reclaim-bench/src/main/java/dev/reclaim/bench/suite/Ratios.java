package dev.reclaim.bench.suite;

import java.util.List;
import java.util.Optional;

/**
 * Throughput relative to a workload's baseline at the same thread count: what the report's bar charts, its
 * ratio column and its sentences show.
 */
final class Ratios {

    private Ratios() {
    }

    /**
     * One configuration's throughput over its baseline's median at the same thread count.
     *
     * @param scheme  the scheme or baseline id
     * @param threads worker threads
     * @param median  median run / baseline median
     * @param lo      slowest run / baseline median
     * @param hi      fastest run / baseline median
     * @param noisy   whether the configuration's runs are more than {@link Result#NOISY_SPREAD} apart
     */
    record Ratio(String scheme, int threads, double median, double lo, double hi, boolean noisy) {
    }

    /**
     * The baseline a workload's ratios are taken against: its first JDK baseline ({@code jdk-...}) with a
     * passing result, else its first baseline with one, else {@code leak} (a workload without baselines).
     *
     * @param w  the workload
     * @param rs the workload's results
     * @return the id, or empty when none of the candidates passed
     */
    static Optional<String> baselineOf(Workload w, List<Result> rs) {
        List<String> candidates = new java.util.ArrayList<>();
        w.baselines().stream().filter(b -> b.startsWith("jdk-")).forEach(candidates::add);
        candidates.addAll(w.baselines());
        candidates.add("leak");
        return candidates.stream().filter(id -> rs.stream().anyMatch(r -> r.ok() && r.config().scheme().equals(id)))
                .findFirst();
    }

    /**
     * The ratio of {@code r} to the baseline's result of the same thread count and stall setting.
     *
     * @param r        a result
     * @param baseline the baseline id
     * @param rs       the workload's results
     * @return the ratio, or empty when either failed or the baseline did not run at that thread count
     */
    static Optional<Ratio> of(Result r, String baseline, List<Result> rs) {
        if (!r.ok() || r.opsPerSec().length == 0) {
            return Optional.empty();
        }
        Config c = r.config();
        return rs.stream().filter(b -> b.ok() && b.config().scheme().equals(baseline)
                        && b.config().threads() == c.threads() && b.config().stall() == c.stall() && b.opsMedian() > 0)
                .findFirst().map(b -> {
                    double m = b.opsMedian();
                    return new Ratio(c.scheme(), c.threads(), r.opsMedian() / m, r.opsMin() / m, r.opsMax() / m,
                            r.noisy());
                });
    }
}
