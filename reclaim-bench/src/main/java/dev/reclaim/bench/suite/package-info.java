/**
 * {@code ./reclaim bench}: the side-by-side benchmark harness and its report.
 *
 * <h2>How a suite runs</h2>
 * {@link dev.reclaim.bench.suite.BenchCommand} turns the options into a list of
 * {@link dev.reclaim.bench.suite.Config}s (workload &times; scheme or baseline &times; thread count, plus the
 * stall comparison: birdcage with every reclamation scheme, with and without a stalled reader). Each config
 * runs in its own JVM ({@code Forker}: the same {@code java} binary and class path,
 * {@code --enable-native-access=ALL-UNNAMED}, main class {@link dev.reclaim.bench.suite.ForkMain}), which does
 * one warm-up run and {@code --runs} measured runs, each on a fresh structure, and writes a properties file
 * ({@code DIR/raw/}; its output goes to {@code DIR/logs/}). The parent reads them back as
 * {@link dev.reclaim.bench.suite.Result}s, with the load average and steal time around each fork
 * ({@link dev.reclaim.bench.suite.Conditions}), and {@code Report} writes {@code results.csv}, {@code results.json},
 * the PNGs ({@code RatioChart}: each scheme's throughput over the workload's baseline with min-max whiskers;
 * {@code Charts}: pending garbage as small multiples, latency, burst series; colours from {@code SchemeColours})
 * and {@code index.html} (a noise banner, {@code Readings} per workload, the sortable {@code ResultsTable}).
 *
 * <p>A fork never outlives its bench: {@code ReportOnExit}'s shutdown hook stops the {@code Forker} (the running
 * fork is destroyed) and writes a partial report, and each fork halts when the bench process is gone
 * ({@code ForkMain.watchParent}, for a bench killed without its hooks).
 *
 * <p>Inside a fork, each worker thread loops: time one operation with {@code System.nanoTime} into its
 * HdrHistogram, then run {@code ForkMain.BATCH - 1} more, until the run's time is up; heap allocation is
 * {@code ThreadMXBean.getCurrentThreadAllocatedBytes} over the worker threads; a sampler thread reads
 * {@link dev.reclaim.Reclaimer#stats()} every {@code duration/200} for the pending-garbage series and peak;
 * a {@code --stall} reader enters a guard before the first operation and closes it after the last.
 *
 * <p>A {@link dev.reclaim.bench.suite.BurstWorkload} ({@code vthreads}) is measured by task count instead: the fork
 * runs a warm-up burst and {@code --runs} bursts of {@code --tasks} tasks through
 * {@link dev.reclaim.bench.suite.BurstWorkload#burst}, which samples pending garbage, open guards and heap itself
 * and returns a {@link dev.reclaim.bench.suite.BurstRun}; its configurations' thread count is the number of
 * carrier threads of the fork's virtual-thread scheduler. The report adds a burst table (freed while running,
 * peak pending) and charts of the three series.
 *
 * <h2>Adding a workload (one class)</h2>
 * <ol>
 *   <li>Write a class implementing {@link dev.reclaim.bench.suite.Workload}: an {@code id()} (the name on the
 *       command line: {@code msqueue}, {@code list}, {@code hashmap}, {@code arcswap}, {@code realtime} ...),
 *       a one-line {@code description()} of one operation, its {@code baselines()} (ids starting with
 *       {@code jdk-} or the peer library's name), and {@code open(scheme, params)} returning a
 *       {@link dev.reclaim.bench.suite.Workload.Trial}: a fresh structure whose {@code worker(i)} gives each
 *       thread an allocation-free loop body {@code run(ops)}, whose {@code reclaimer()} is the reclaimer it
 *       retires to (null for baselines) and whose {@code close()} frees everything and throws if an
 *       invariant was violated. Override {@code defaultKeyRange()} / {@code defaultUpdateRatio()} when
 *       {@code --key-range} / {@code --update-ratio} mean something for it, and {@code latencyChart()} to get
 *       a latency percentile plot (the realtime workload).</li>
 *   <li>Add an instance to {@link dev.reclaim.bench.suite.Workloads#ALL}.</li>
 * </ol>
 * Nothing else names workloads: option validation, the plan, the CSV/JSON, the charts and the HTML pick the new
 * workload up. New reclamation schemes need no change at all: every {@link dev.reclaim.Scheme} value is run
 * with every workload (and in the birdcage stall comparison).
 */
package dev.reclaim.bench.suite;
