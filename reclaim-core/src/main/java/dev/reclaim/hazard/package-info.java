/**
 * Hazard pointers (HP): safe memory reclamation whose garbage stays bounded even when a reader stalls.
 *
 * <h2>Using it</h2>
 * <pre>{@code
 * HazardReclaimer hp = HazardReclaimer.create();     // one domain per structure
 * try (Guard g = hp.enter()) {                       // claims a slot: one CAS, no allocation
 *     long node = g.protect(0, head);                // load, publish in hazard 0, re-load until equal
 *     long next = g.protect(1, node + NEXT);         // hand over hand: alternate indices 0/1
 *     g.unprotect(0);                                // node may be freed from now on
 *     ...
 *     g.retire(unlinked, allocator);                 // freed by a later scan once no hazard holds it
 * }
 * hp.close();                                        // waits for guards, runs every pending deleter
 * }</pre>
 *
 * <h2>How it works</h2>
 * A guard owns a slot with {@link dev.reclaim.Guard#PROTECT_SLOTS} (4) hazard words. {@code protect} loads a
 * pointer, publishes it (tag bits masked) in the chosen hazard word with a volatile store, and re-loads the
 * source until both loads agree: the pointer was then still linked after the hazard became visible, so no
 * scan that starts later can free it. An operation whose first step protects one word (a stack's head, a
 * queue's head or tail) can enter with {@link dev.reclaim.Reclaimer#enterProtecting(int, long)
 * enterProtecting(index, word)}: the claim CAS stores the pointer the word holds in the slot's state
 * ({@code pointer | OPEN}), which scans read as one more hazard, so the claim's own fence publishes it and the
 * {@code protect(index, word)} that follows is one load and a compare (a full fence fewer per operation); a
 * protect that finds another pointer there, {@code unprotect}, {@code repin} and {@code close} give the state's
 * hazard up. {@code TreiberStack.pop} and {@code MichaelScottQueue}'s {@code offer}/{@code poll} enter this
 * way. Retired pointers go to the slot's retired list; when the list has grown
 * by {@code T = max(R0, 2 x H)} entries since the last scan ({@code H} = hazard words in the domain =
 * 4 x slots, {@code R0} = {@link dev.reclaim.hazard.HazardReclaimer.Builder#scanThreshold(int)}, default 64),
 * the owner snapshots every published hazard into a sorted array and frees every listed pointer that is not
 * in it. Slots are claimed per guard (not per thread, no ThreadLocal): virtual threads, guards handed between
 * threads and dying threads need no special case, and a list left in a free slot is scanned by
 * {@link dev.reclaim.Reclaimer#flush() flush()}, {@code synchronize()} or {@code close()}. The memory-order
 * argument is in {@link dev.reclaim.hazard.HazardReclaimer}'s implementation notes.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>A retired pointer is freed exactly once, never while a hazard word holds it (compared without tag
 *       bits). Unlike EBR, an open guard protects only the pointers it {@code protect}ed, not everything it
 *       read: code must protect each pointer before dereferencing it and re-validate the links it follows.</li>
 *   <li>{@link dev.reclaim.Guard#defer(Runnable) defer} keeps grace-period semantics: the action runs once
 *       every guard open at the call has closed or called {@code repin()} (slot generations, snapshotted at
 *       the call).</li>
 *   <li>{@code synchronize()} returns once everything retired before the call has been freed, i.e. as soon
 *       as no hazard holds it (it refuses to run inside the caller's own guard). A list that belongs to a
 *       guard still open is scanned when that guard closes, so synchronize also waits for open guards that
 *       themselves retired something before the call.</li>
 *   <li>{@code close()} waits for open guards (its timeout message names each holder thread with its stack),
 *       then runs every pending deleter and action. Deleters that throw go to the
 *       {@link dev.reclaim.FailureHandler}; the others still run. Abandoned guards are detected after a GC
 *       and released, as in EBR.</li>
 * </ul>
 *
 * <h2>Progress per operation</h2>
 * <table class="striped">
 *   <caption>Progress</caption>
 *   <thead><tr><th>operation</th><th>progress</th><th>cost</th></tr></thead>
 *   <tbody>
 *   <tr><td>{@code enter}/{@code close}</td><td>lock-free (grows the slot table under a lock when every
 *       slot is taken)</td><td>one CAS / one release store plus clearing the used hazards;
 *       {@code enterProtecting}: one load more, and the CAS publishes that hazard</td></tr>
 *   <tr><td>{@code protect}</td><td>lock-free (retries only when the source changed)</td><td>acquire load,
 *       volatile store (the full fence), acquire load; one acquire load after an {@code enterProtecting}
 *       of the same word that still holds the same pointer</td></tr>
 *   <tr><td>{@code retire}</td><td>wait-free append; amortised scan</td><td>O(1) plus a scan of O(H log H +
 *       list) every T retirements: amortised O(log H)</td></tr>
 *   <tr><td>{@code flush}</td><td>non-blocking</td><td>a scan per slot not in use</td></tr>
 *   <tr><td>{@code synchronize}/{@code close}</td><td>blocking</td><td>waits for hazards / guards</td></tr>
 *   </tbody>
 * </table>
 *
 * <h2>Garbage bound</h2>
 * After a scan a slot keeps at most {@code H} pointers (each equals a distinct published hazard), and it
 * scans again before it gains {@code T} more. With {@code S} slots and {@code H = 4S}:
 * <pre>
 *   pending pointers &lt;= S x (H + max(R0, 2H))          (HazardReclaimer.garbageBound())
 * </pre>
 * whether or not a reader stalls: a stalled reader holds back at most its 4 protected pointers (plus the
 * unscanned list of its own slot). With the defaults and 16 slots (2-4 cores) that is 16 x (64 + 128) = 3072
 * pointers. The table grows only when more guards are open at once than it has slots. Deferred actions are
 * not in this bound: they wait for guards to close, as in EBR.
 *
 * <h2>Diagnostics</h2>
 * {@link dev.reclaim.Reclaimer#stats() stats()} reports pending garbage and the open guards. With JDK Flight
 * Recorder running, the events every scheme shares are emitted from the shared scan: {@code dev.reclaim.Reclaim}
 * (a scanned batch whose deleters took 1 ms or more: count, bytes, entries kept) and
 * {@code dev.reclaim.SlowGuard} (a guard that had a hazard pointer set and stayed open across scans that had to keep garbage, for
 * longer than the builder's {@code slowGuardThreshold}; once per guard, its age measured from the first such
 * scan, since entering a guard reads no clock). Without a recording they cost a static volatile read per scan.
 *
 * <h2>When not to use it</h2>
 * <ul>
 *   <li>Read-mostly structures whose readers never stall: EBR costs nothing per pointer, HP a store and a
 *       full fence per protected pointer (several per traversal step).</li>
 *   <li>Structures whose traversals cannot re-validate (optimistic traversal through removed nodes, e.g.
 *       some skip lists): HP only protects what is still linked when validated.</li>
 *   <li>Long traversals holding many nodes at once: a guard protects at most 4 pointers.</li>
 * </ul>
 *
 * <h2>Compared with EBR</h2>
 * <ul>
 *   <li>EBR: one CAS per guard and free loads; one stalled reader stops all reclamation (unbounded
 *       garbage). HP: bounded garbage with stalled readers; a publish + fence + re-load per protected
 *       pointer, and scans read every hazard word (O(slots)).</li>
 *   <li>EBR frees in epoch batches; HP frees retired pointers as soon as a scan misses them.</li>
 * </ul>
 */
package dev.reclaim.hazard;
