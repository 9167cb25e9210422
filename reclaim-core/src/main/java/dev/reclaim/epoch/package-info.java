/**
 * Epoch-based reclamation (EBR): the fastest way to read shared structures safely when readers never stall.
 *
 * <h2>Using it</h2>
 * <pre>{@code
 * EpochReclaimer ebr = EpochReclaimer.create();     // one per structure (or EpochReclaimer.global())
 * try (Guard g = ebr.enter()) {                      // pin: one CAS, no allocation
 *     long node = g.protect(0, head);                // an acquire load; valid until g closes
 *     ...
 *     g.retire(unlinked, allocator);                 // freed two epochs later
 * }
 * ebr.close();                                       // waits for guards, runs every pending deleter
 * }</pre>
 *
 * <h2>How it works</h2>
 * A global epoch counter advances only when every open guard has seen the current value. A guard pins the
 * epoch it read when entering; garbage is collected in bags, each sealed with the epoch current when it
 * filled up, and a bag sealed at epoch {@code e} is freed once the global epoch reaches {@code e + 2}: by
 * then every guard that could have read one of its pointers has closed. The slot that sealed a bag keeps it and
 * runs it at one of its later seals once it is ready, so the blocks a thread retires are freed back into its
 * own allocator cache for its next allocations; a slot keeps at most 4 sealed bags (a longer chain means the
 * epoch lags behind its retires, and goes to a shared collector), and a slot that goes idle, {@code flush()},
 * {@code synchronize()} and {@code close()} hand kept bags to that collector. Guards live in a table of slots
 * owned by the reclaimer, not in thread-locals, so virtual threads that unmount inside a guard, guards handed
 * to another thread, and threads that die all work without special cases; garbage belongs to a slot, never to
 * a thread, so it is never lost. The memory-order argument is in {@link dev.reclaim.epoch.EpochReclaimer}'s
 * implementation notes.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Every deleter runs exactly once, after every guard open at the time of its retire has closed.</li>
 *   <li>{@link dev.reclaim.Reclaimer#synchronize() synchronize()} returns once everything retired before the
 *       call (by any thread) has been reclaimed; one call is enough. It refuses to run inside a guard of the
 *       same reclaimer entered by the calling thread.</li>
 *   <li>{@link dev.reclaim.Reclaimer#close() close()} waits for open guards (its timeout names every holder
 *       thread with its stack), then runs every pending deleter on the calling thread.</li>
 *   <li>A deleter that throws is reported to the {@link dev.reclaim.FailureHandler}; the others still run.</li>
 *   <li>A guard abandoned while open (its thread died, or it was dropped unclosed) is detected once the
 *       garbage collector has collected the guard object: it is reported to the failure handler and released.
 *       Until a GC happens, it holds back reclamation like any open guard.</li>
 * </ul>
 *
 * <h2>Progress per operation</h2>
 * <table class="striped">
 *   <caption>Progress</caption>
 *   <thead><tr><th>operation</th><th>progress</th><th>cost</th></tr></thead>
 *   <tbody>
 *   <tr><td>{@code enter()}</td><td>lock-free (probes for a free slot; grows the table under a lock when
 *       every slot is in use, which happens only while the number of simultaneously open guards grows)</td>
 *       <td>one CAS; every {@code advanceEvery}-th pin of a slot also tries to advance and collect, while
 *       any garbage is pending (with none, the epoch stays where it is)</td></tr>
 *   <tr><td>{@code Guard.close()}</td><td>wait-free</td><td>one release store</td></tr>
 *   <tr><td>{@code protect}</td><td>wait-free</td><td>one acquire load</td></tr>
 *   <tr><td>{@code retire}/{@code defer}</td><td>lock-free, amortised O(1)</td><td>plain stores; every
 *       {@code bagCapacity}-th retire seals a bag and runs the ready deleters of its slot's kept bags</td></tr>
 *   <tr><td>{@code flush()}</td><td>lock-free; O(slots)</td><td>seals idle slots' bags, advances, collects
 *       </td></tr>
 *   <tr><td>{@code synchronize()}, {@code close()}</td><td>blocking: wait for open guards</td><td>backoff:
 *       spin, yield, then park up to 1 ms</td></tr>
 *   </tbody>
 * </table>
 *
 * <h2>Garbage bound</h2>
 * While a guard stays open, the epoch can advance at most once more, so garbage retired after it is
 * <em>unbounded</em>: a reader that stalls (blocked on I/O, descheduled, stuck) stops all reclamation. Otherwise
 * pending garbage is at most about {@code active slots x bagCapacity} unsealed retirements plus two epochs'
 * worth of sealed bags, plus per slot the kept bags that became ready since its last seal (at most 4, run at its
 * next one): partial and kept bags of slots that went idle are swept to the shared collector by the reclaimer's
 * periodic maintenance (about one guard close in {@code advanceEvery}), so nobody has to call
 * {@code flush()} after a burst of thread-per-task work. {@link dev.reclaim.Reclaimer#flush() flush()} seals partially filled bags when you need
 * garbage to go sooner. {@link dev.reclaim.epoch.EpochReclaimer#oldestGuard(boolean)} and the
 * {@code dev.reclaim.SlowGuard} JFR event find the reader that holds things back.
 *
 * <h2>Diagnostics</h2>
 * {@link dev.reclaim.Reclaimer#stats() stats()} reports pending garbage, the epoch and the oldest open guard;
 * {@link dev.reclaim.epoch.EpochReclaimer#oldestGuard(boolean) oldestGuard(true)} adds the holder's stack.
 * Guard ages are lower bounds measured from the start of the epoch after the one the guard pinned (no clock is
 * read on enter), so a guard at the current epoch reports age 0. With JDK Flight Recorder running, the
 * reclaimer emits the events every scheme shares: {@code dev.reclaim.Reclaim} (a reclaimed bag whose
 * deleters took at least 1 ms: count, bytes, duration) and {@code dev.reclaim.SlowGuard} (once per pin that
 * held the epoch back longer than the builder's {@code slowGuardThreshold}). When JFR is not initialized these
 * cost a static volatile read per bag and no allocation.
 *
 * <h2>When not to use it</h2>
 * <ul>
 *   <li>Readers that may block or run for a long time inside a guard (I/O, locks, user callbacks): use hazard
 *       pointers or the robust scheme, whose garbage stays bounded while a reader stalls; or call
 *       {@link dev.reclaim.Guard#repin()} between items.</li>
 *   <li>Memory-constrained systems that need a hard bound on unreclaimed memory.</li>
 *   <li>Plain heap objects with no explicit release: the JVM's garbage collector already does this.</li>
 * </ul>
 *
 * <h2>Compared with the other schemes</h2>
 * <ul>
 *   <li>Hazard pointers: a publish and re-validate per protected pointer (a full fence each), bounded garbage
 *       even with stalled readers; slower readers, and traversals must re-validate every link.</li>
 *   <li>Robust (interval/era-based): close to EBR speed with bounded garbage, at the cost of recording an era
 *       per protected load and a more complex reclaimer.</li>
 *   <li>Reference counting: precise and immediate, but every read writes a shared counter (contention).</li>
 *   <li>EBR: the cheapest readers (no per-pointer work at all), batch reclamation, no bound under stalls.</li>
 * </ul>
 */
package dev.reclaim.epoch;
