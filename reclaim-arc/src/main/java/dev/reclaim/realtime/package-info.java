/**
 * Deferred destruction for realtime threads: an audio callback, a trading loop or a game tick drops what it
 * no longer needs, and a collector thread runs the destructors, so that the realtime thread never frees,
 * allocates or blocks.
 *
 * <h2>Using it</h2>
 * <pre>{@code
 * RealtimeCollector collector = RealtimeCollector.builder().interval(Duration.ofMillis(2)).build();
 * // UI thread: make the buffer and its handle (the queue node is preallocated with it)
 * Arc<float[]> buffer = Arc.of(new float[64], b -> pool.recycle(b), collector);
 * mailbox.offer(buffer);                          // any lock-free queue to the audio thread
 * // audio callback:
 * Arc<float[]> next = mailbox.poll();
 * if (next != null) { current.close(); current = next; }   // wait-free, destroys nothing here
 * mix(current.get());
 * // shutdown, after the audio thread stopped and closed its handles:
 * collector.close();                              // destroys everything still pending
 * }</pre>
 *
 * <h2>Which one do I use</h2>
 * Counted handles are {@link dev.reclaim.arc.Arc}s: one type, one set of verbs ({@code get()},
 * {@code retain()}, {@code close()}), whatever thread runs the release action. Binding an {@code Arc} to a
 * collector is what makes its last {@code close()} realtime-safe; this package adds the collector, a cell with a
 * wait-free writer, and the tracking model.
 * <table class="striped">
 *   <caption>What to use for a value that realtime threads read and drop</caption>
 *   <thead><tr><th>you need</th><th>use</th><th>the realtime side pays</th></tr></thead>
 *   <tbody>
 *   <tr><td>a value handed to a realtime thread (a buffer, a table), one owner or several</td>
 *       <td>{@link dev.reclaim.arc.Arc#of(Object, dev.reclaim.arc.Releaser, RealtimeCollector)
 *       Arc.of(value, releaser, collector)}; {@code retain()} for more owners</td>
 *       <td>{@code close()}: a few atomic instructions, wait-free, no allocation; the releaser runs on the
 *       collector</td></tr>
 *   <tr><td>the same, when a drop must cost a single decrement and few values are alive at a time</td>
 *       <td>{@link dev.reclaim.realtime.Tracker} / {@link dev.reclaim.realtime.Tracked} (the tracking model)</td>
 *       <td>{@code close()}: one atomic decrement; the collector scans every tracked value on each pass</td></tr>
 *   <tr><td>a setting or table that realtime threads read and another thread replaces</td>
 *       <td>{@link dev.reclaim.realtime.SharedCell}</td>
 *       <td>{@code Reader.get()}: three seq-cst accesses, wait-free; the writer is wait-free too</td></tr>
 *   <tr><td>another release action that must not run on the realtime thread</td>
 *       <td>a {@link dev.reclaim.realtime.CollectorNode} subclass, handed over with
 *       {@link dev.reclaim.realtime.RealtimeCollector#enqueue(CollectorNode)}</td>
 *       <td>one atomic exchange and one store</td></tr>
 *   </tbody>
 * </table>
 *
 * <p>Three cells hold a current value that readers read while a writer replaces it; they differ in who reads
 * and in what waits for the readers:
 * <ul>
 *   <li>{@link dev.reclaim.arc.ArcSwap}: counted handles swapped while many threads read them (a searcher, a
 *       configuration with native handles); loads write no shared counter, the last reader to let go of a
 *       replaced value releases it. Not for realtime readers: a load that collides with a writer may allocate.
 *   </li>
 *   <li>{@code RcuCell} (module {@code dev.reclaim.sync}): a value read inside a {@link dev.reclaim.Reclaimer}'s
 *       guard, next to the other data that reclaimer protects; replaced values are retired through the
 *       reclaimer.</li>
 *   <li>{@link dev.reclaim.realtime.SharedCell}: a realtime-safe cell: registered readers and the writer are
 *       both wait-free, and the collector waits for readers, never the writer.</li>
 * </ul>
 *
 * <h2>The pieces</h2>
 * <ul>
 *   <li>{@link dev.reclaim.realtime.RealtimeCollector}: the collector, with its own thread or driven by
 *       {@code collect()} calls; statistics; {@code close()} that waits for live handles, destroys everything
 *       and reports what it could not.</li>
 *   <li>{@link dev.reclaim.arc.Arc} made with a collector: the last close hands the release action to the
 *       collector with one atomic exchange and one store, after the count's decrement and a CAS.</li>
 *   <li>{@link dev.reclaim.realtime.SharedCell}: a slot read wait-free by realtime readers and replaced
 *       wait-free by a writer; old values are destroyed once no reader holds them. Unlike basedrop's
 *       {@code SharedCell}, the writer never spins until readers leave: the collector does the waiting.</li>
 *   <li>{@link dev.reclaim.realtime.Tracker} / {@link dev.reclaim.realtime.Tracked}: the tracking model, with
 *       no per-drop queueing (a close is one decrement) but a scan of every tracked value on each pass.</li>
 *   <li>{@link dev.reclaim.realtime.CollectorNode}: the extension point: any object with a preallocated queue
 *       link, destroyed on the collector after {@code collector.enqueue(node)}. The handles above are built on
 *       it.</li>
 * </ul>
 *
 * <h2>Progress per operation</h2>
 * <table class="striped">
 *   <caption>Who may call what, and what it costs</caption>
 *   <thead><tr><th>operation</th><th>thread</th><th>progress</th><th>allocates</th></tr></thead>
 *   <tbody>
 *   <tr><td>{@code Arc.get()}, {@code Tracked.get()}, {@code SharedCell.Reader.get()}</td><td>realtime</td>
 *       <td>wait-free (Reader: 3 seq-cst accesses)</td><td>no</td></tr>
 *   <tr><td>{@code Arc.close()} (collector-bound), {@code collector.enqueue(node)}</td><td>realtime</td>
 *       <td>wait-free (enqueue: one exchange + one store; Arc adds its release CAS, one decrement and, for the
 *       last owner, one CAS)</td><td>no</td></tr>
 *   <tr><td>{@code Tracked.close()}</td><td>realtime</td><td>wait-free (one decrement)</td><td>no</td></tr>
 *   <tr><td>{@code SharedCell.set()}</td><td>writer</td><td>wait-free (one exchange + enqueue)</td>
 *       <td>the new value's node</td></tr>
 *   <tr><td>{@code Arc.of(..., collector)}, {@code retain()}, {@code cell}, {@code reader()}, {@code track}</td>
 *       <td>not realtime</td><td>wait-free or lock-free</td><td>yes</td></tr>
 *   <tr><td>{@code collect()}, {@code close()}, {@code stats()}</td><td>collector / owner</td>
 *       <td>runs destructors</td><td>yes</td></tr>
 *   </tbody>
 * </table>
 *
 * <h2>Bounded mode</h2>
 * {@code RealtimeCollector.builder().capacity(n)} gives the collector a fixed ring of {@code n} slots. When a
 * drop finds the ring full it does <em>not</em> wait, spin or run the destructor (Chronicle's background
 * releaser runs the release on the caller when its 128-slot queue is full): the node chains onto an overflow
 * queue through its own preallocated link, the collector drains the overflow after the ring, and
 * {@code stats().overflowed()} counts such drops (a sign that the interval is too long for the drop rate).
 *
 * <h2>Closing</h2>
 * {@code close()} stops the thread, keeps collecting until every registered object has been dropped and
 * destroyed (or the timeout expires), and then reports what is left. Nothing leaks silently: a handle dropped
 * after close destroys its value on the dropping thread (not realtime-safe, so stop the realtime threads first),
 * and a tracked value is destroyed by its last handle. Unlike basedrop, dropping the collector does not leak
 * what is still queued.
 *
 * <h2>Diagnostics</h2>
 * {@link dev.reclaim.realtime.RealtimeCollector#stats() stats()} reports the backlog, overflows and the longest
 * drop-to-destruction latency. With JDK Flight Recorder running, the collecting thread (never the realtime
 * side) emits {@code dev.reclaim.realtime.Pass} for a pass of 1 ms or more and
 * {@code dev.reclaim.realtime.Overflow} for a pass that collected drops that had found the ring full.
 *
 * <h2>When not to use it</h2>
 * When the destructor is cheap and non-blocking (a small heap array the GC reclaims) releasing inline costs
 * less than the handle. When objects can be recycled through a preallocated pool sized for the workload, a pool
 * avoids the collector entirely. For realtime to UI messages, use a queue in the other direction.
 */
package dev.reclaim.realtime;
