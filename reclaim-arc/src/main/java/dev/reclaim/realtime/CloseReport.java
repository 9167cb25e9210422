package dev.reclaim.realtime;

import java.util.List;

/**
 * What {@link RealtimeCollector#close(java.time.Duration)} achieved.
 *
 * @param destroyed     objects destroyed over the collector's life, including by close
 * @param notDestroyed  objects still live when close gave up waiting: handles nobody dropped, tracked values
 *                      still shared, cell values a reader still holds
 * @param waiting       descriptions of the dropped objects that were not ready to be destroyed (a subset of
 *                      {@code notDestroyed}; the others were never dropped)
 */
public record CloseReport(long destroyed, long notDestroyed, List<String> waiting) {

    /**
     * Copies the list.
     *
     * @param destroyed    objects destroyed
     * @param notDestroyed objects still live
     * @param waiting      descriptions of dropped objects not ready to be destroyed
     */
    public CloseReport {
        waiting = List.copyOf(waiting);
    }

    /**
     * Whether everything registered was destroyed.
     *
     * @return {@code true} if nothing was left behind
     */
    public boolean clean() {
        return notDestroyed == 0;
    }
}
