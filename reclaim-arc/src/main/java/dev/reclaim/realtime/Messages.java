package dev.reclaim.realtime;

import java.time.Duration;

/**
 * Every string of the classes that run on realtime threads (handles, the collector's enqueue path, cell readers):
 * error messages, descriptions and names.
 *
 * <p>Why a separate class: when a thread's invocation counters trigger the first C2 compilation of a method,
 * HotSpot resolves all still-unresolved string constants of that method's class on the <em>requesting</em>
 * thread, which allocates {@code String}s on the Java heap. If {@code Tracked} or {@code RealtimeCollector}
 * held their error messages themselves, the first C2 compilation of {@code close()} or {@code enqueue()}
 * requested by a warm audio thread would allocate about a kilobyte there (measured: 1,296 B, at a random
 * callback long after warm-up). Keeping the strings here, in a class the realtime path never calls in normal
 * operation, keeps the realtime classes free of unresolved string constants. A test checks it.
 */
final class Messages {

    private Messages() {
    }

    static String generatedName(int id) {
        return "realtime-" + id;
    }

    static String threadName(String collector) {
        return "reclaim-collector-" + collector;
    }

    static String collectorToString(String collector) {
        return "RealtimeCollector[" + collector + "]";
    }

    static IllegalArgumentException foreignNode(String node, String owner, String collector) {
        return new IllegalArgumentException("node " + node + " belongs to another collector (" + owner + "), not '"
                + collector + "'; enqueue it on the collector it was created with");
    }

    static String noCollector() {
        return "none";
    }

    static IllegalStateException enqueuedTwice(String node, String collector) {
        return new IllegalStateException("node " + node + " was already handed to collector '" + collector
                + "'; each node is enqueued once, by its last owner");
    }

    static String readinessFailed(String node) {
        return "readiness check of " + node + " threw; destroying it anyway";
    }

    static String destructorFailed(String node) {
        return "destructor of " + node + " threw";
    }

    static IllegalStateException collectorClosed(String collector) {
        return new IllegalStateException("realtime collector '" + collector + "' is closed; create handles before"
                + " closing it, or use a new collector");
    }

    static IllegalStateException closedDirty(String collector, CloseReport r, Duration timeout) {
        return new IllegalStateException("realtime collector '" + collector + "' closed with " + r.notDestroyed()
                + " object(s) not destroyed after " + timeout + ": " + r.waiting().size()
                + " dropped but still held " + r.waiting() + ", the rest never dropped. Drop every handle"
                + " (close Arc and Tracked handles, close readers and cells) before closing the collector;"
                + " later drops are destroyed on the dropping thread");
    }

    static IllegalStateException closedFromCollectorThread(String collector) {
        return new IllegalStateException("realtime collector '" + collector + "' closed from its own thread (inside"
                + " a destructor?); close it from the thread that owns it");
    }

    static IllegalStateException alreadyClosed(String collector) {
        return new IllegalStateException("realtime collector '" + collector + "' is already closed");
    }

    static IllegalStateException trackedClosed() {
        return new IllegalStateException("this Tracked handle is closed; use another open handle (retain() before"
                + " closing) to keep reading the value");
    }

    static IllegalStateException cellClosed() {
        return new IllegalStateException("this SharedCell is closed; create a new cell from the collector");
    }

    static IllegalStateException readerClosed() {
        return new IllegalStateException("this SharedCell.Reader is closed; register a new one with reader()");
    }

    static String handleToString(String kind, boolean closed, Object value) {
        return kind + "[" + (closed ? "closed" : String.valueOf(value)) + "]";
    }

    static String trackedDescription(Object value, int handles) {
        return "tracked " + simpleName(value) + " with " + handles + " open handle(s)";
    }

    static String cellValueDescription(Object value, boolean held) {
        return "SharedCell value " + simpleName(value) + (held ? " (held by a reader)" : "");
    }

    private static String simpleName(Object value) {
        return value == null ? "null" : value.getClass().getSimpleName();
    }
}
