package dev.reclaim.bench.suite;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The report's sentences under each workload's heading: what this run's figures show (computed) and what the
 * workload measures and why its usual surprises happen (written).
 */
final class Readings {

    /** Why {@code leak}, the scheme that never frees, is not always the fastest. */
    static final String LEAK = "leak never frees, so every node it allocates is fresh memory: the slab carves"
            + " new blocks from new chunks and maps new segments (a locked slow path, first-touch page faults, cold"
            + " cache lines, a growing RSS), and each retire still counts into shared counters. ebr hands a freed"
            + " block back to the freeing thread's magazine, where the next allocation reuses it while it is still"
            + " in cache. Where most operations allocate, that reuse can outweigh ebr's pin, so leak is the floor of"
            + " the guard cost, not of the whole operation.";

    /** Workloads whose schemes retire heap objects, not slab blocks: {@link #LEAK} does not explain them. */
    private static final java.util.Set<String> HEAP_ONLY = java.util.Set.of("arcswap");

    /** What each workload measures, by id. */
    private static final Map<String, String> ABOUT = Map.of(
            "birdcage", "Readers check a canary inside a guard while writers replace canaries (half of the"
                    + " operations at the default update ratio): protecting a read plus retiring a node. The GC"
                    + " baseline needs neither a guard nor a free.",
            "treiber", "Every pop retires a node, one retire per two operations, and every thread hits the same"
                    + " head: the reclamation path at its most frequent, and a structure that does not scale with"
                    + " threads.",
            "msqueue", "Every poll retires a node; head and tail are shared. JCTools' bounded array queue"
                    + " allocates no node at all (a different trade: a fixed capacity), so it is not a like-for-like"
                    + " comparison.",
            "list", "Nine reads in ten walk a sorted list of about 1,000 keys, so the per-node cost of protection"
                    + " dominates: hp publishes and re-validates a hazard pointer at every node, ebr pins once per"
                    + " operation.",
            "hashmap", "Nine reads in ten on short chains; one operation in ten updates. The JDK map allocates"
                    + " boxed keys and nodes on every insert; ours allocates off-heap and retires on remove.",
            "openmap", "The same setbench mix on the open-addressing map (no node per key).",
            "alloc", "One 64-byte off-heap block allocated, written and retired per operation, against an Arena"
                    + " per object; closing a shared arena costs a handshake with every thread, so the ratios are"
                    + " large and drawn on a log scale.",
            "arcswap", "The JMH figure (ArcSwapBench: ArcSwap.load() 7-11x faster than a Lucene-style refcount"
                    + " manager at 2 readers) is one read in isolation, with both readers running in parallel so that"
                    + " the refcount's shared counter bounces between cores (1.03x with one reader). Here an operation"
                    + " also draws a random number, picks a slot and checks the resource, and on a busy machine the"
                    + " workers seldom run at the same time, so the counter is rarely contended and the two come out"
                    + " close. Each thread also stores once per 1/update-ratio operations (1,000 by default): an"
                    + " ArcSwap store pays a process-wide membarrier and a new Arc, a refcount store one getAndSet. And"
                    + " after a short warm-up (--quick) ArcSwap's longer load path is not yet compiled by C2. So a low"
                    + " arc-swap bar here is the cost of frequent writes and a cold JIT, not of the read; for the read"
                    + " cost run --update-ratio 0 --warmup 4s (docs/tools.md has figures).",
            "vthreads", "A burst of virtual-thread tasks, each sleeping inside its guard; there is no JDK baseline,"
                    + " so ratios are to leak. The burst table below holds the target figures (freed while"
                    + " running, peak pending).");

    private Readings() {
    }

    /**
     * The sentences for one workload.
     *
     * @param w        the workload
     * @param rs       its results
     * @param ratios   the ratios of the results that have one
     * @param baseline the baseline id, or null
     * @return plain text (the caller escapes it)
     */
    static String of(Workload w, List<Result> rs, Map<Result, Ratios.Ratio> ratios, String baseline) {
        StringBuilder b = new StringBuilder();
        List<Ratios.Ratio> mine = rs.stream().filter(r -> !r.config().stall()).map(ratios::get)
                .filter(Objects::nonNull).toList();
        TreeSet<Integer> threads = new TreeSet<>();
        mine.forEach(q -> threads.add(q.threads()));
        if (!threads.isEmpty() && baseline != null) {
            int t = threads.last();
            List<Ratios.Ratio> at = mine.stream().filter(q -> q.threads() == t && !q.scheme().equals(baseline))
                    .sorted(Comparator.comparingDouble(Ratios.Ratio::median).reversed()).toList();
            if (!at.isEmpty()) {
                b.append("At ").append(t).append(" thread").append(t == 1 ? "" : "s").append(", relative to ")
                        .append(baseline).append(": ");
                for (int i = 0; i < at.size(); i++) {
                    Ratios.Ratio q = at.get(i);
                    b.append(i == 0 ? "" : ", ").append(q.scheme()).append(' ').append(RatioChart.label(q.median()))
                            .append('x').append(q.noisy() ? " (noisy)" : "");
                }
                b.append(". ");
                boolean overlap = at.size() > 1 && at.get(0).lo() <= at.get(1).hi();
                if (overlap) {
                    b.append(at.get(0).scheme()).append(" and ").append(at.get(1).scheme())
                            .append(" overlap (whiskers): this run does not separate them. ");
                }
                // beyond the noise: another scheme's slowest run beat leak's fastest at the same thread count
                String beat = mine.stream().filter(q -> q.scheme().equals("leak")).flatMap(q -> mine.stream().filter(
                        o -> o.threads() == q.threads() && Workloads.isScheme(o.scheme())
                                && !o.scheme().equals("leak") && o.lo() > q.hi())).map(Ratios.Ratio::scheme)
                        .findFirst().orElse(null);
                if (beat != null && !HEAP_ONLY.contains(w.id())) {
                    b.append("leak is slower than ").append(beat).append(" here, beyond the run-to-run noise: ")
                            .append(LEAK).append(' ');
                }
            }
        }
        long noisy = rs.stream().filter(Result::noisy).count();
        if (noisy > 0) {
            b.append(noisy).append(" of ").append(rs.size()).append(" configurations had runs more than 1.5x apart:")
                    .append(" compare whiskers, not bars. ");
        }
        String about = ABOUT.get(w.id());
        if (about != null) {
            b.append(about);
        }
        return b.toString().strip();
    }
}
