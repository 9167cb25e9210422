/**
 * Off-heap lock-free collections whose nodes live in a {@link dev.reclaim.memory.SlabAllocator} and are
 * reclaimed through any {@link dev.reclaim.Reclaimer}: pick the structure by what you store and how you look it
 * up, the scheme by how much garbage a stalled reader may hold back.
 *
 * <h2>Which structure</h2>
 * <table class="striped">
 *   <caption>Structures</caption>
 *   <thead><tr><th>structure</th><th>use it for</th><th>not for</th></tr></thead>
 *   <tbody>
 *   <tr><td>{@link dev.reclaim.collections.TreiberStack}</td><td>a LIFO of {@code long}s: free lists, work
 *       stacks</td><td>ordering between producers (use the queue)</td></tr>
 *   <tr><td>{@link dev.reclaim.collections.MichaelScottQueue}</td><td>an unbounded FIFO of {@code long}s,
 *       any number of producers and consumers</td><td>bounded hand-off with back-pressure (nothing blocks
 *       here)</td></tr>
 *   <tr><td>{@link dev.reclaim.collections.HarrisMichaelList}</td><td>a sorted map or set of {@code long}s
 *       with a few hundred keys at most; ordered iteration</td><td>large key sets: every operation is
 *       O(n)</td></tr>
 *   <tr><td>{@link dev.reclaim.collections.LongHashMap}</td><td>a {@code long -> long} hash map taking every
 *       value; batches of operations in one guard; growth that never moves an entry</td><td>the fastest
 *       lookups (one node to follow per lookup)</td></tr>
 *   <tr><td>{@link dev.reclaim.collections.LongOpenHashMap}</td><td>the fastest {@code long -> long} lookups:
 *       keys and values inline in one table, no node to follow</td><td>values {@code Long.MIN_VALUE} and
 *       {@code Long.MIN_VALUE + 1} (reserved); steady churn of new keys (tombstones force same-size
 *       resizes)</td></tr>
 *   <tr><td>{@link dev.reclaim.collections.BytesHashMap}</td><td>byte-sequence keys and values
 *       ({@code MemorySegment}s) copied off-heap</td><td>large values updated often: every update copies
 *       the key's whole entry</td></tr>
 *   </tbody>
 * </table>
 * The three {@code long} maps share the {@link dev.reclaim.collections.LongLongMap} interface, so code and
 * benchmarks can swap them.
 *
 * <h2>Progress per operation</h2>
 * Every structure is linearizable and safe for any number of threads, platform or virtual. Guarantees are
 * those of the structure, on top of the reclaimer's own for {@code enter()} and {@code retire()} (see each
 * scheme's package documentation). None of these operations allocates on the Java heap in steady state,
 * except {@code BytesHashMap.forEach} (two views per entry).
 * <table class="striped">
 *   <caption>Progress</caption>
 *   <thead><tr><th>structure</th><th>lock-free</th><th>wait-free</th></tr></thead>
 *   <tbody>
 *   <tr><td>{@code TreiberStack}</td><td>{@code push}, {@code pop}</td><td>{@code isEmpty} (one read),
 *       {@code size} (an estimate; only a stack built with {@code countSize(true)} counts)</td></tr>
 *   <tr><td>{@code MichaelScottQueue}</td><td>{@code offer}, {@code poll}, {@code peek}, {@code isEmpty},
 *       {@code size}</td><td>none</td></tr>
 *   <tr><td>{@code HarrisMichaelList}</td><td>every lookup and update (O(n)), {@code isEmpty},
 *       {@code forEach} (weakly consistent)</td><td>{@code size} (an estimate)</td></tr>
 *   <tr><td>{@code LongHashMap}</td><td>every lookup and update (expected O(1)); a thread never waits for
 *       another's bucket initialisation; {@code forEach} (weakly consistent)</td><td>{@code size},
 *       {@code isEmpty} (estimates)</td></tr>
 *   <tr><td>{@code LongOpenHashMap}</td><td>every lookup (reads only, never helps a resize) and update; an
 *       update may first copy one chunk of a running resize, and the update that starts a resize copies most
 *       of the table, but no thread waits for another; {@code forEach}</td><td>{@code size},
 *       {@code isEmpty} (estimates)</td></tr>
 *   <tr><td>{@code BytesHashMap}</td><td>every lookup and update (an update copies the key's blob);
 *       {@code forEach}</td><td>{@code size}, {@code isEmpty} (estimates)</td></tr>
 *   </tbody>
 * </table>
 *
 * <h2>Contention: batches under one guard, and choosing a {@link dev.reclaim.collections.Backoff}</h2>
 * When threads fight over one word (a stack's head, a queue's head or tail), what costs is mostly the word's
 * cache line moving between cores, not failed attempts (a few per hundred operations at 2 threads here). The line
 * moves less often when a thread's operations follow each other closely: a thread that runs many operations in a
 * row can hold one guard over a batch of them ({@code TreiberStack.pop(Guard, long)},
 * {@code MichaelScottQueue.offer(Guard, long)} and {@code poll(Guard, long)}) instead of entering one per
 * operation; keep such batches short, since an open guard holds back reclamation. {@code TreiberStack} and
 * {@code MichaelScottQueue} therefore back off after a failure: {@link dev.reclaim.collections.Backoff#standard()}
 * by default, a bounded exponential wait of spin-wait hints followed by {@link java.lang.Thread#yield()}. The
 * maps do not: their updates spread over many words and a failed CAS there is rare.
 * <ul>
 *   <li>Keep the default when several threads use the structure, also more threads than cores.</li>
 *   <li>{@link dev.reclaim.collections.Backoff#none()} when one thread, or threads that rarely meet, use it: the
 *       back-off only runs after a failure, so with none the difference is small either way.</li>
 *   <li>{@link dev.reclaim.collections.Backoff#exponential(int, int)} with a larger maximum for many threads
 *       hammering one structure (throughput first); a smaller one when a losing thread must not wait long
 *       (latency first).</li>
 * </ul>
 * Pass it with {@code TreiberStack.builder(reclaimer, allocator).backoff(b)} or
 * {@code new MichaelScottQueue(reclaimer, allocator, b)}. The measurements behind the default are in
 * {@code docs/performance.md}.
 *
 * <h2>Memory and reserved values</h2>
 * <table class="striped">
 *   <caption>Memory per entry and reserved values</caption>
 *   <thead><tr><th>structure</th><th>off-heap memory</th><th>reserved values</th></tr></thead>
 *   <tbody>
 *   <tr><td>{@code TreiberStack}</td><td>24 bytes per value (a 32-byte slab block); a 128-byte root</td>
 *       <td>none: {@code pop} takes the value to return when empty</td></tr>
 *   <tr><td>{@code MichaelScottQueue}</td><td>32 bytes per value, one dummy node; a 256-byte root</td>
 *       <td>none: {@code poll}/{@code peek} take the value to return when empty</td></tr>
 *   <tr><td>{@code HarrisMichaelList}</td><td>32 bytes per entry; a 128-byte root; an update of a present
 *       key allocates a replacement node</td><td>none: lookups take the value to return when absent</td></tr>
 *   <tr><td>{@code LongHashMap}</td><td>32 bytes per entry plus 32 to 64 bytes of buckets per entry; an
 *       update of a present key allocates a replacement node</td><td>none</td></tr>
 *   <tr><td>{@code LongOpenHashMap}</td><td>16 bytes per slot, 2 to 8 slots per key (32 to 128 bytes per
 *       key), one block per table; removed keys keep their slot until the next resize</td><td>values
 *       {@link dev.reclaim.collections.LongOpenHashMap#RESERVED_EMPTY} and
 *       {@link dev.reclaim.collections.LongOpenHashMap#RESERVED_MOVED} cannot be stored (keys: none)</td></tr>
 *   <tr><td>{@code BytesHashMap}</td><td>a {@code LongHashMap} entry per key hash plus a blob of
 *       {@code 16 + 8 + pad8(keyLength) + pad8(valueLength)} bytes</td><td>none; keys and values of up to
 *       {@code Integer.MAX_VALUE} bytes, empty ones included</td></tr>
 *   </tbody>
 * </table>
 *
 * <h2>Garbage per scheme</h2>
 * What a structure unlinks it retires to its reclaimer, which frees it when the scheme allows; garbage is what
 * is retired and not yet freed. Nodes and blobs carry the birth era of the guard that created them, so the
 * {@code robust} scheme can free them past a stalled reader; {@code LongOpenHashMap}'s replaced tables are
 * freed after a grace period ({@link dev.reclaim.Guard#defer(Runnable)}), which a stalled guard holds back
 * under every scheme (at most one table per resize meanwhile).
 * <table class="striped">
 *   <caption>Garbage</caption>
 *   <thead><tr><th>structure</th><th>retires</th><th>{@code ebr}</th><th>{@code hp}</th>
 *       <th>{@code robust}</th></tr></thead>
 *   <tbody>
 *   <tr><td>{@code TreiberStack}</td><td>each popped node</td><td rowspan="5">everything retired while the
 *       oldest open guard has been open: unbounded while a guard stalls</td><td>bounded
 *       ({@code HazardReclaimer.garbageBound()}); a guard protects 1 node</td><td rowspan="4">bounded with
 *       stalled readers ({@code RobustReclaimer.garbageBound(G, L)}: G guards open at once, L the
 *       structure's most nodes meanwhile)</td></tr>
 *   <tr><td>{@code MichaelScottQueue}</td><td>each polled dummy node</td><td>bounded; 2 nodes per
 *       guard</td></tr>
 *   <tr><td>{@code HarrisMichaelList}, {@code LongHashMap}</td><td>each removed or replaced node</td>
 *       <td>bounded; 3 nodes per guard</td></tr>
 *   <tr><td>{@code BytesHashMap}</td><td>each replaced or removed blob, and the index's nodes</td>
 *       <td>bounded; 3 nodes and 1 blob per guard</td></tr>
 *   <tr><td>{@code LongOpenHashMap}</td><td>each table replaced by a resize</td><td colspan="2">a grace
 *       period, as {@code ebr}: a stalled guard keeps the tables replaced since it opened</td></tr>
 *   </tbody>
 * </table>
 * The {@code leak} scheme never frees anything: it is the benchmarks' baseline, not a choice for use.
 *
 * <h2>Ownership and closing</h2>
 * A structure owns its blocks, not the reclaimer nor the allocator, which may be shared. Close the structure
 * (it frees what it still holds), then the reclaimer (it frees what was retired), then the allocator;
 * try-with-resources in that declaration order does it. Closing a structure while other threads use it is
 * not supported; afterwards every operation throws {@link java.lang.IllegalStateException}.
 */
package dev.reclaim.collections;
