package dev.reclaim.realtime;

/**
 * A snapshot of a {@link RealtimeCollector}'s counters.
 *
 * @param registered       objects ever registered (values of collector-bound {@code Arc}s, cell values, tracked values,
 *                         other {@link CollectorNode}s)
 * @param destroyed        objects destroyed so far (a destructor that threw counts as destroyed)
 * @param live             registered and not yet destroyed: still held, or dropped and pending
 * @param pending          dropped (handed to the collector) and not yet destroyed, including {@code waiting}
 * @param waiting          taken by the collector but not ready yet (tracked values still shared, cell values a
 *                         reader still holds); re-checked on every pass
 * @param overflowed       drops that found the bounded ring full and went to the overflow chain (0 when
 *                         unbounded)
 * @param failures         destructors (or readiness checks) that threw
 * @param maxLatencyNanos  the longest time from a drop to the end of its destruction, in nanoseconds
 * @param passes           collection passes run so far
 */
public record CollectorStats(long registered, long destroyed, long live, long pending, long waiting,
                             long overflowed, long failures, long maxLatencyNanos, long passes) {
}
