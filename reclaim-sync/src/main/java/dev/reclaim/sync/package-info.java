/**
 * Locks and synchronisation primitives built the way "Rust Atomics and Locks" teaches them, on a futex for the
 * JVM.
 *
 * <h2>The foundation</h2>
 * {@link dev.reclaim.sync.ParkingLot}: wait on a key (an object or an off-heap address) after an atomic check,
 * wake one or all waiters of a key; hashed buckets of parked threads; works with virtual threads.
 *
 * <h2>Locks</h2>
 * <table class="striped">
 *   <caption>What to use when</caption>
 *   <thead><tr><th>type</th><th>use it for</th><th>uncontended cost</th><th>waiting</th></tr></thead>
 *   <tbody>
 *   <tr><td>{@link dev.reclaim.sync.SpinLock}</td><td>a few instructions, never blocking inside</td>
 *       <td>CAS + release store</td><td>spins</td></tr>
 *   <tr><td>{@link dev.reclaim.sync.Mutex}</td><td>the default lock (owner-checked)</td>
 *       <td>CAS + release store (with asymmetric fences; else CAS + swap)</td>
 *       <td>spins briefly, parks (after a {@code membarrier} with asymmetric fences)</td></tr>
 *   <tr><td>{@link dev.reclaim.sync.RwLock}</td><td>read-mostly data; writers must not starve</td>
 *       <td>CAS per read lock/unlock</td><td>parks</td></tr>
 *   <tr><td>{@link dev.reclaim.sync.QueueLock}</td><td>strict FIFO fairness under contention</td>
 *       <td>allocation + swap + CAS</td><td>spins on its own node, parks</td></tr>
 *   <tr><td>{@link dev.reclaim.sync.ByteLock}</td><td>one lock per off-heap record, one byte each</td>
 *       <td>word CAS + swap</td><td>spins briefly, parks</td></tr>
 *   <tr><td>{@link dev.reclaim.sync.SeqLock} / {@link dev.reclaim.sync.SegmentSeqLock}</td>
 *       <td>small records read far more than written, also across processes</td>
 *       <td>readers: two loads + fence</td><td>readers retry</td></tr>
 *   </tbody>
 * </table>
 *
 * <h2>Lock guards</h2>
 * Each lock returns a guard for try-with-resources, named after it as in Rust: {@link dev.reclaim.sync.MutexGuard},
 * {@link dev.reclaim.sync.SpinLockGuard}, {@link dev.reclaim.sync.RwLockReadGuard} /
 * {@link dev.reclaim.sync.RwLockWriteGuard}, {@link dev.reclaim.sync.QueueLockGuard},
 * {@link dev.reclaim.sync.ByteLockGuard}. Closing it unlocks; it holds a lock, and has nothing to do with
 * {@link dev.reclaim.Guard}, the read-side critical section of a {@link dev.reclaim.Reclaimer} (which
 * {@link dev.reclaim.sync.RcuCell} readers open). Locking allocates no guard, except {@code QueueLock}, whose
 * guard is the waiter's queue node.
 * <pre>{@code
 * try (MutexGuard g = mutex.lock()) {
 *     counter++;
 * }
 * }</pre>
 *
 * <h2>Coordination</h2>
 * {@link dev.reclaim.sync.Condvar} (with {@link dev.reclaim.sync.Mutex}), {@link dev.reclaim.sync.Semaphore},
 * {@link dev.reclaim.sync.OneShot} (one value, split sender/receiver), {@link dev.reclaim.sync.Channel} (bounded
 * blocking MPMC), and {@link dev.reclaim.sync.RcuCell} (read-copy-update whose replaced values are retired
 * through a {@link dev.reclaim.Reclaimer}).
 *
 * <h2>RcuCell, ArcSwap or SharedCell</h2>
 * Three cells hold a value that readers read while writers replace it:
 * <ul>
 *   <li>{@link dev.reclaim.sync.RcuCell} (here): a value read inside a {@link dev.reclaim.Reclaimer}'s guard,
 *       alongside the other data that reclaimer protects (one guard for both); replaced values are retired
 *       through the reclaimer, after every guard that could have seen them closed. Any value, no counting.</li>
 *   <li>{@code ArcSwap} (module {@code dev.reclaim.arc}): counted {@code Arc} handles swapped while many threads
 *       read them, with no guard to open; the last reader to let go of a replaced value releases it.</li>
 *   <li>{@code SharedCell} (module {@code dev.reclaim.arc}, package {@code dev.reclaim.realtime}): realtime
 *       readers and a writer, both wait-free; a collector thread destroys replaced values once no reader holds
 *       them.</li>
 * </ul>
 *
 * <h2>Interrupts</h2>
 * Every blocking method documents its behaviour: {@code lock()}-style methods ignore interrupts and restore the
 * status; {@code *Interruptibly}, {@code await} and {@code acquire} throw {@link java.lang.InterruptedException}.
 * No wake-up is lost to an interrupt (see {@link dev.reclaim.sync.ParkingLot}).
 */
package dev.reclaim.sync;
