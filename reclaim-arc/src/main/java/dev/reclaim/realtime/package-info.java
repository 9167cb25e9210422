/**
 * Deferred destruction for realtime threads: an audio callback, a trading loop or a game tick drops what it
 * no longer needs, and a collector thread runs the destructors, so that the realtime thread never frees,
 * allocates or blocks.
 *
 * <h2>Using it</h2>
 * <pre>{@code
 * RealtimeCollector collector = RealtimeCollector.builder().interval(Duration.ofMillis(2)).build();
 * // UI thread: make the buffer and its handle (the queue node is preallocated inside it)
 * Shared<float[]> buffer = collector.share(new float[64], b -> pool.recycle(b));
 * mailbox.offer(buffer);                          // any lock-free queue to the audio thread
 * // audio callback:
 * Shared<float[]> next = mailbox.poll();
 * if (next != null) { current.close(); current = next; }   // wait-free, destroys nothing here
 * mix(current.get());
 * // shutdown, after the audio thread stopped and closed its handles:
 * collector.close();                              // destroys everything still pending
 * }</pre>
 *
 * <h2>The pieces</h2>
 * <ul>
 *   <li>{@link dev.reclaim.realtime.RealtimeCollector}: the collector, with its own thread or driven by
 *       {@code collect()} calls; statistics; {@code close()} that waits for live handles, destroys everything
 *       and reports what it could not.</li>
 *   <li>{@link dev.reclaim.realtime.Shared} / {@link dev.reclaim.realtime.Owned}: handles created off the
 *       realtime thread; the last close hands the value to the collector with one atomic exchange and one
 *       store (Shared adds one atomic decrement of its reference count).</li>
 *   <li>{@link dev.reclaim.realtime.SharedCell}: a slot read wait-free by realtime readers and replaced
 *       wait-free by a writer; old values are destroyed once no reader holds them. Unlike basedrop's
 *       {@code SharedCell}, the writer never spins until readers leave: the collector does the waiting.</li>
 *   <li>{@link dev.reclaim.realtime.Tracker} / {@link dev.reclaim.realtime.Tracked}: the tracking model, with
 *       no per-drop queueing (a close is one decrement) but a scan of every tracked value on each pass.</li>
 *   <li>{@link dev.reclaim.realtime.Reclaimable}: the hook: any object with a preallocated node, destroyed
 *       on the collector after {@code collector.enqueue(node)}. Arc-style owners extend it.</li>
 * </ul>
 *
 * <h2>Progress per operation</h2>
 * <table class="striped">
 *   <caption>Who may call what, and what it costs</caption>
 *   <thead><tr><th>operation</th><th>thread</th><th>progress</th><th>allocates</th></tr></thead>
 *   <tbody>
 *   <tr><td>{@code Shared/Owned/Tracked.get()}, {@code SharedCell.Reader.get()}</td><td>realtime</td>
 *       <td>wait-free (Reader: 3 seq-cst accesses)</td><td>no</td></tr>
 *   <tr><td>{@code Shared.close()}, {@code Owned.close()}, {@code collector.enqueue(node)}</td><td>realtime</td>
 *       <td>wait-free (one exchange + one store; Shared +1 decrement)</td><td>no</td></tr>
 *   <tr><td>{@code Tracked.close()}</td><td>realtime</td><td>wait-free (one decrement)</td><td>no</td></tr>
 *   <tr><td>{@code SharedCell.set()}</td><td>writer</td><td>wait-free (one exchange + enqueue)</td>
 *       <td>the new value's node</td></tr>
 *   <tr><td>{@code share}, {@code own}, {@code cell}, {@code reader()}, {@code track}, {@code clone()}</td>
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
 * <h2>When not to use it</h2>
 * When the destructor is cheap and non-blocking (a small heap array the GC reclaims) releasing inline costs
 * less than the handle. When objects can be recycled through a preallocated pool sized for the workload, a pool
 * avoids the collector entirely. For realtime to UI messages, use a queue in the other direction.
 */
package dev.reclaim.realtime;
