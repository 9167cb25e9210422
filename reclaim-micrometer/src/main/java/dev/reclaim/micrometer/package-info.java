/**
 * Micrometer binders (in the manner of Caffeine's {@code CaffeineCacheMetrics}) for the reclaim library: the
 * only module with a metrics dependency, and an optional one; Micrometer is {@code provided} by the
 * application.
 *
 * <pre>{@code
 * ReclaimerMetrics.monitor(registry, reclaimer);
 * SlabAllocatorMetrics.monitor(registry, memory);
 * ArcSwapMetrics.monitor(registry, config, "config");
 * RealtimeCollectorMetrics.monitor(registry, collector);
 * }</pre>
 *
 * <p>Every meter reads the object's {@code stats()} when the registry publishes it (a scrape), so binding adds
 * nothing to the library's hot paths; the registry holds each object weakly (a closed reclaimer keeps
 * reporting its last counters until it is collected).
 *
 * <h2>Meters</h2>
 * <table>
 *   <caption>Meter names, types and tags</caption>
 *   <tr><th>name</th><th>type</th><th>meaning</th></tr>
 *   <tr><td colspan="3">{@link dev.reclaim.micrometer.ReclaimerMetrics}: tags {@code reclaimer}, {@code scheme}</td></tr>
 *   <tr><td>{@code reclaim.garbage.pending}</td><td>gauge</td><td>retired, not reclaimed yet (objects)</td></tr>
 *   <tr><td>{@code reclaim.garbage.pending.bytes}</td><td>gauge</td><td>their bytes ({@code Deleter.sizeOf})</td></tr>
 *   <tr><td>{@code reclaim.garbage.peak}</td><td>gauge</td><td>the largest pending count at a reclamation step</td></tr>
 *   <tr><td>{@code reclaim.retired}</td><td>counter</td><td>pointers retired and actions deferred</td></tr>
 *   <tr><td>{@code reclaim.reclaimed}</td><td>counter</td><td>deleters and actions run</td></tr>
 *   <tr><td>{@code reclaim.failures}</td><td>counter</td><td>deleters that threw, abandoned guards</td></tr>
 *   <tr><td>{@code reclaim.guards.open}</td><td>gauge</td><td>open guards</td></tr>
 *   <tr><td>{@code reclaim.guards.oldest.age}</td><td>time gauge</td><td>age of the oldest open guard, at least (0 when
 *       none, or for schemes that keep no clock)</td></tr>
 *   <tr><td>{@code reclaim.epoch}</td><td>gauge</td><td>the epoch or era; -1 for schemes without one</td></tr>
 *   <tr><td colspan="3">{@link dev.reclaim.micrometer.SlabAllocatorMetrics}: tag {@code allocator}</td></tr>
 *   <tr><td>{@code reclaim.allocator.live.blocks}</td><td>gauge</td><td>blocks allocated and not freed</td></tr>
 *   <tr><td>{@code reclaim.allocator.live.bytes}</td><td>gauge</td><td>their usable bytes</td></tr>
 *   <tr><td>{@code reclaim.allocator.reserved.bytes}</td><td>gauge</td><td>bytes held from the operating system
 *       (segments of chunks, large blocks)</td></tr>
 *   <tr><td>{@code reclaim.allocator.peak.live.bytes}</td><td>gauge</td><td>the highest live bytes seen (sampled)</td></tr>
 *   <tr><td>{@code reclaim.allocator.allocations}</td><td>counter</td><td>blocks allocated</td></tr>
 *   <tr><td>{@code reclaim.allocator.frees}</td><td>counter</td><td>blocks freed</td></tr>
 *   <tr><td colspan="3">{@link dev.reclaim.micrometer.ArcSwapMetrics}: tag {@code swap} (the name given)</td></tr>
 *   <tr><td>{@code reclaim.arcswap.writes}</td><td>counter</td><td>values installed, close included</td></tr>
 *   <tr><td>{@code reclaim.arcswap.writes.contended}</td><td>counter</td><td>writes that helped a load or paid a debt</td></tr>
 *   <tr><td>{@code reclaim.arcswap.handovers}</td><td>counter</td><td>loads completed by a writer</td></tr>
 *   <tr><td>{@code reclaim.arcswap.debts.paid}</td><td>counter</td><td>reader debts writers paid</td></tr>
 *   <tr><td>{@code reclaim.arcswap.loads.helping}</td><td>counter</td><td>loads that took the helping path</td></tr>
 *   <tr><td>{@code reclaim.arcswap.cas.failures}</td><td>counter</td><td>compareAndSet calls that found another value</td></tr>
 *   <tr><td>{@code reclaim.arcswap.rcu.retries}</td><td>counter</td><td>rcu updates computed again</td></tr>
 *   <tr><td>{@code reclaim.arcswap.debt.slots}</td><td>gauge</td><td>debt slots every writer scans (shared pool)</td></tr>
 *   <tr><td colspan="3">{@link dev.reclaim.micrometer.RealtimeCollectorMetrics}: tag {@code collector}</td></tr>
 *   <tr><td>{@code reclaim.collector.pending}</td><td>gauge</td><td>dropped, not destroyed yet (the backlog)</td></tr>
 *   <tr><td>{@code reclaim.collector.waiting}</td><td>gauge</td><td>taken but not ready (still shared)</td></tr>
 *   <tr><td>{@code reclaim.collector.live}</td><td>gauge</td><td>registered and not destroyed</td></tr>
 *   <tr><td>{@code reclaim.collector.registered}</td><td>counter</td><td>objects registered</td></tr>
 *   <tr><td>{@code reclaim.collector.destroyed}</td><td>counter</td><td>objects destroyed</td></tr>
 *   <tr><td>{@code reclaim.collector.overflowed}</td><td>counter</td><td>drops that found the ring full</td></tr>
 *   <tr><td>{@code reclaim.collector.failures}</td><td>counter</td><td>destructors or readiness checks that threw</td></tr>
 *   <tr><td>{@code reclaim.collector.passes}</td><td>counter</td><td>collection passes</td></tr>
 *   <tr><td>{@code reclaim.collector.latency.max}</td><td>time gauge</td><td>the longest drop-to-destruction time</td></tr>
 * </table>
 * Registries rename these after their own conventions (Prometheus: {@code reclaim_garbage_pending_bytes},
 * counters with {@code _total}, time gauges in seconds).
 */
package dev.reclaim.micrometer;
