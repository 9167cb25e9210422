/**
 * Reference-counted resources and an atomically swappable slot with cheap loads.
 *
 * <h2>Why use it</h2>
 * Java code that hot-swaps a resource with {@code close()} (a searcher, a configuration holding native
 * handles, a mapped file, an off-heap table) usually counts references: Lucene's {@code ReferenceManager}
 * ({@code tryIncRef}/{@code decRef}), Netty's {@code ReferenceCounted}. Every reader then writes to one shared
 * counter, and the last release closes the resource on whichever thread happens to release it.
 * {@link dev.reclaim.arc.ArcSwap#load()} instead records a "debt" in a slot and re-checks the pointer: no write to
 * the shared counter. With asymmetric fences (Linux {@code membarrier}, the default where usable) a platform
 * thread's debt goes into its own lane of slots (a virtual thread's into the lane of the carrier it runs on)
 * with a plain store and a compiler barrier, and a writer holds the replaced value back until a scan finds no
 * lane debt on it; otherwise (a lane's slots all busy: deep nesting, virtual threads holding guards across
 * unmounts; the symmetric mode) the debt goes into a slot of a global pool and a writer that replaces the value pays it
 * (increments the count on the reader's behalf). When the pool path collides with a writer, the reader asks
 * for help and the writer hands it a counted reference, so neither waits for the other.
 *
 * <h2>Which one do I use</h2>
 * There is one counted handle, {@link dev.reclaim.arc.Arc}, with the verbs {@code get()}, {@code retain()} (another
 * owner; {@code clone()} is the same), {@code close()} (let go; the last one runs the release action). Where the
 * action runs is chosen when the value is made, not by a different handle type:
 * <table class="striped">
 *   <caption>Counted handles and cells</caption>
 *   <thead><tr><th>you need</th><th>use</th></tr></thead>
 *   <tbody>
 *   <tr><td>several owners of a resource, released once by whoever lets go last</td>
 *       <td>{@code Arc.of(value, releaser)} (or {@code Arc.of(closeable)})</td></tr>
 *   <tr><td>the same, but slow releases must not run on the hot threads</td>
 *       <td>{@code Arc.of(value, releaser, executor)}</td></tr>
 *   <tr><td>the same, and the last owner may be a realtime thread (no allocation, no lock, no release work)</td>
 *       <td>{@code Arc.of(value, releaser, collector)} with a
 *       {@link dev.reclaim.realtime.RealtimeCollector}</td></tr>
 *   <tr><td>a slot whose value is replaced while many threads read it, reads writing no shared counter</td>
 *       <td>{@link dev.reclaim.arc.ArcSwap} (may be empty: {@link dev.reclaim.arc.ArcSwapOption})</td></tr>
 *   <tr><td>a slot read by realtime threads and replaced by a writer, both wait-free</td>
 *       <td>{@link dev.reclaim.realtime.SharedCell}</td></tr>
 *   <tr><td>a value read inside a {@link dev.reclaim.Reclaimer}'s guard, with the data that reclaimer
 *       protects</td>
 *       <td>{@code RcuCell} (module {@code dev.reclaim.sync})</td></tr>
 *   </tbody>
 * </table>
 * {@code ArcSwap} holds {@code Arc}s, so a collector-bound value can be swapped too: the reader that lets go of a
 * replaced value last hands its release to the collector. {@code ArcSwap} itself is not for realtime readers
 * (a load that collides with a writer takes a helping round that allocates); {@code SharedCell} is.
 *
 * <h2>Types</h2>
 * <ul>
 *   <li>{@link dev.reclaim.arc.Arc}: a counted handle with a release action that runs exactly once (on the
 *       releasing thread, on an executor, or on a {@link dev.reclaim.realtime.RealtimeCollector}, which makes
 *       the last release wait-free and allocation-free); {@code retain()}, {@code close()}, {@code get()},
 *       {@code map()}, {@code downgrade()}.</li>
 *   <li>{@link dev.reclaim.arc.Weak}: {@code upgrade()} to a strong handle while the value is live.</li>
 *   <li>{@link dev.reclaim.arc.ArcSwap} / {@link dev.reclaim.arc.ArcSwapOption}: {@code load()} (a pooled
 *       {@link dev.reclaim.arc.ArcGuard}), {@code loadFull()}, {@code store}, {@code swap},
 *       {@code compareAndSet}, {@code rcu}, {@code map} ({@link dev.reclaim.arc.ArcSwapView}).</li>
 *   <li>{@link dev.reclaim.arc.ArcCache}: one reader's cached view, revalidated with one volatile read.</li>
 *   <li>{@link dev.reclaim.arc.ArcLeakDetector}: opt-in sampling leak detection (off by default).</li>
 * </ul>
 *
 * <h2>Progress and costs</h2>
 * {@code load()} + close on a lane: two volatile reads and two plain stores, no CAS and no CPU fence (measured
 * figures in docs/performance.md); on the pool: two atomic RMWs on a primitive word of a slot no other thread
 * touches (a CAS claims it with the loaded block's stamp, a getAndSet clears it) and, only when the block differs
 * from the slot's last one, a plain store of the guard's block, plus two volatile reads. A virtual thread loads
 * into its carrier's lane ({@code pthread_self}, where native access is enabled; about 1.4x a platform thread's
 * lane load, docs/performance.md) while that lane has a free slot; its pool load starts at the claim cursor of
 * the CPU it runs on ({@code sched_getcpu}), so the virtual threads a carrier runs in turn reuse one slot that
 * stays in that CPU's cache; the cursor moves on only past slots held open (guards held across an unmount,
 * nested guards). No allocation in steady state. A pool load that collides with a write takes one
 * helping round (one small allocation). Writers scan every debt slot and lane, and with lanes pay one or more
 * {@code membarrier} calls (microseconds) per write. The pool's size follows the loads open at once: it grows
 * for a burst (virtual threads parked inside guards) and a writer shrinks it again once the burst is over.
 * {@code ArcCache.get()}: one volatile read while the value is unchanged.
 *
 * <h2>Diagnostics</h2>
 * {@link dev.reclaim.arc.ArcSwap#stats() ArcSwap.stats()} counts writes and the slow paths (helping, debts paid,
 * loads that took the helping path); fast-path loads are not counted, so a load still writes nothing shared.
 * With JDK Flight Recorder running, a write whose scan of the debt slots took 100 µs or more emits
 * {@code dev.reclaim.arc.SlowWrite} (with the writer's stack). {@link dev.reclaim.arc.ArcLeakDetector} logs each
 * leaked handle through {@link System.Logger} {@code dev.reclaim.arc}.
 *
 * <h2>When not to use it</h2>
 * Guards must be short: an open guard holds its value back from release and occupies a debt slot that every
 * writer scans. Use {@code loadFull()} for references kept across blocking calls. For off-heap nodes of a
 * lock-free structure, prefer a {@link dev.reclaim.Reclaimer} (EBR, hazard pointers): reference counting needs
 * a count per object.
 */
package dev.reclaim.arc;
