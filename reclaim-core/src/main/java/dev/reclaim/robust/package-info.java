/**
 * The robust scheme ({@code robust}, alias {@code ibr}): interval-based reclamation (2GE-IBR, Wen et al.
 * 2018). Reads cost about what epochs cost, and a reader that stalls inside a guard holds back only the nodes
 * that were born before it last read, so garbage stays bounded.
 *
 * <h2>Using it</h2>
 * A structure gets the bound by stamping the birth era into each node before publishing it, and passing it
 * back when it retires the node:
 * <pre>{@code
 * RobustReclaimer ibr = RobustReclaimer.create();    // one domain per structure
 * // push: stamp the node, then publish it
 * long node = allocator.allocate(24);
 * try (Guard g = ibr.enter()) {
 *     Memory.putLong(node + BIRTH, g.birthEra());    // the era now; any earlier era is also safe
 *     ... link node with a CAS ...
 * }
 * // pop: protect, unlink, retire with the stamped era
 * try (Guard g = ibr.enter()) {
 *     long top = g.protect(0, head);                 // two loads and a compare (a store only when the era moved)
 *     ... CAS head from top to its next ...
 *     g.retire(top, Memory.getLong(top + BIRTH), allocator);
 * }
 * ibr.close();                                       // waits for guards, runs every pending deleter
 * }</pre>
 * {@code retire(pointer, deleter)} and {@code defer(action)} without a birth era also work: the node counts
 * as born at era 0, so it is kept like EBR keeps it (a stalled reader holds it back) -- always safe, just not
 * bounded. A birth era larger than the real one would be a use-after-free; {@code retire} rejects eras from
 * the future.
 *
 * <h2>How it works</h2>
 * A global era advances every {@code R} retirements of a slot ({@code eraEvery}, default 64; each slot
 * starts its count at a random phase, so one task per slot still advances it once per {@code R}). While the
 * slot table is grown for a burst of open guards (thread-per-task load, where nearly every guard is open at
 * once), scans adapt the rate: when they keep many birth-stamped nodes because an open reservation shares
 * their eras, the retirements per era halve, down to one per era with {@code birthEra()} advancing the era
 * too; when they keep none, the rate doubles back up to {@code R}. Scans with many open reservations index
 * them by era, so each retired node is tested in constant time. A guard
 * reserves an interval of eras {@code [lower, upper]}: both are the current era when it opens, and
 * {@code protect} raises {@code upper} to the current era (a volatile store: the only fence a read pays, once
 * per era per guard; while the era does not move, protect is an acquire load, an era load and a compare). A
 * retired node carries {@code [birth, retire]}; a scan (every {@code T = max(R0, slots)} retirements of a
 * slot, or of the reclaimer's shared list that idle slots' garbage is swept into) frees each node whose interval overlaps no open reservation. Guards live in slots claimed per guard
 * (shared with hazard pointers: {@code dev.reclaim.internal.SlotTable}), so virtual threads, guards handed
 * between threads and dying threads need no special case; abandoned guards are detected after a GC. The
 * memory-order argument is in {@link dev.reclaim.robust.RobustReclaimer}'s implementation notes.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>A retired node is freed exactly once, never while a guard that could have read it is open. As with
 *       EBR, the whole guard protects what it read (indices are ignored), provided the structure loads each
 *       pointer through {@code protect}.</li>
 *   <li>{@code defer} keeps grace-period semantics (slot generations, as in hazard pointers);
 *       {@code synchronize()} returns once everything retired before the call has been freed; {@code close()}
 *       waits for open guards (naming each holder thread with its stack on timeout), then runs every pending
 *       deleter and action.</li>
 * </ul>
 *
 * <h2>Progress per operation</h2>
 * <table class="striped">
 *   <caption>Progress</caption>
 *   <thead><tr><th>operation</th><th>progress</th><th>cost</th></tr></thead>
 *   <tbody>
 *   <tr><td>{@code enter}/{@code close}</td><td>lock-free (grows the table under a lock when every slot is
 *       taken)</td><td>one CAS and an era load / one release store</td></tr>
 *   <tr><td>{@code protect}</td><td>lock-free (retries only while the era moves)</td><td>acquire load, era
 *       load, compare; a volatile store and re-load once per era change</td></tr>
 *   <tr><td>{@code retire}</td><td>wait-free append; amortised scan</td><td>an era load; every T
 *       retirements a scan of O(slots + list x open guards)</td></tr>
 *   <tr><td>{@code synchronize}/{@code close}</td><td>blocking</td><td>waits for overlapping guards</td></tr>
 *   </tbody>
 * </table>
 *
 * <h2>Garbage bound</h2>
 * <pre>
 *   pending &lt;= S x T + G x (2 x S x R + L)     (RobustReclaimer.garbageBound(G, L))
 * </pre>
 * with {@code S} slots, {@code T} the scan threshold, {@code R} the era interval, {@code G} the guards that
 * may be open at once and {@code L} the most nodes the structure holds meanwhile, for nodes retired with
 * their birth era and a structure that retires about as often as it allocates (16 slots, defaults:
 * {@code 1024 + G x (2048 + L)}). A stalled guard keeps the nodes alive at its last read that are retired
 * later, plus what is allocated in its reserved eras. {@code G} is not just the deliberately stalled
 * readers: every thread inside an operation can be descheduled, and for that time its guard is a stalled
 * reader, so count every thread using the structure ({@code garbageBound(L)} is the single-guard case,
 * {@code G = 1}). The order of the structure decides how much of {@code L} is really kept: a LIFO stack
 * rarely retires the nodes that were below the top at the stall (pending stays near {@code S x T}), a FIFO
 * queue retires exactly those next, so a descheduled poller keeps every node polled during its pause, up
 * to the queue's length. Nodes retired with birth era 0 and deferred actions are outside the bound.
 *
 * <h2>Diagnostics</h2>
 * {@link dev.reclaim.Reclaimer#stats() stats()} reports pending garbage and the open guards. With JDK Flight
 * Recorder running, the events every scheme shares are emitted from the shared scan: {@code dev.reclaim.Reclaim}
 * (a scanned batch whose deleters took 1 ms or more: count, bytes, entries kept) and
 * {@code dev.reclaim.SlowGuard} (a guard that reserved an era interval and stayed open across scans that had to keep garbage, for
 * longer than the builder's {@code slowGuardThreshold}; once per guard, its age measured from the first such
 * scan, since entering a guard reads no clock). Without a recording they cost a static volatile read per scan.
 *
 * <h2>When not to use it, and compared with the others</h2>
 * <ul>
 *   <li>EBR: slightly cheaper reads (no era check), but one stalled reader stops all reclamation.</li>
 *   <li>Hazard pointers: a store and a full fence per protected pointer, but the tightest bound (a stalled
 *       reader holds back only its 4 protected pointers, with no birth eras needed). Prefer HP when nodes
 *       cannot carry a birth era, or when a stalled reader must not hold back a large structure: IBR keeps
 *       every node that was alive when the reader stalled and is retired later.</li>
 *   <li>Structures that allocate far more than they retire while a reader stalls (bulk loading) grow the
 *       held-back set by what they allocate in one era; lower {@code eraEvery} to tighten it.</li>
 * </ul>
 */
package dev.reclaim.robust;
