/**
 * The one reclamation interface that every scheme implements and every data structure is written against.
 *
 * <h2>The problem</h2>
 * A lock-free structure can unlink a node while other threads are still reading it. For ordinary heap objects
 * the garbage collector waits for those readers; for off-heap memory ({@code MemorySegment}), pooled objects
 * or anything with {@code close()}, someone has to decide when the last reader is gone. A
 * {@link dev.reclaim.Reclaimer} makes that decision.
 *
 * <h2>The contract</h2>
 * <ol>
 *   <li>Readers {@linkplain dev.reclaim.Reclaimer#enter() enter} a {@link dev.reclaim.Guard} (try-with-resources)
 *       and load shared pointers through {@link dev.reclaim.Guard#protect(int, long)}.</li>
 *   <li>Writers unlink a node, then {@linkplain dev.reclaim.Guard#retire(long, dev.reclaim.Deleter) retire} it
 *       with a {@link dev.reclaim.Deleter}; the deleter runs once, after no guard that could have seen the node
 *       is still open.</li>
 *   <li>{@link dev.reclaim.Reclaimer#synchronize()} waits until everything retired before it was reclaimed;
 *       {@link dev.reclaim.Reclaimer#close()} waits for readers and then reclaims everything.</li>
 * </ol>
 *
 * <h2>Choosing a scheme</h2>
 * See {@link dev.reclaim.Scheme}. Structures take a {@code Reclaimer} in their constructor, so the choice is
 * made by whoever builds the structure, and benchmarks can run every structure with every scheme.
 */
package dev.reclaim;
