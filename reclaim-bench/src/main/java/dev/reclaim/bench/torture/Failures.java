package dev.reclaim.bench.torture;

import dev.reclaim.FailureHandler;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link FailureHandler} that records what a reclaimer reported, for a case to check. */
final class Failures implements FailureHandler {

    private final AtomicLong count = new AtomicLong();
    private final AtomicLong abandoned = new AtomicLong();
    private final ConcurrentLinkedQueue<String> first = new ConcurrentLinkedQueue<>();

    @Override
    public void failed(String reclaimerName, String what, Throwable error) {
        // A batch of one deleter reports its first exception with the others suppressed: count them all.
        count.addAndGet(error == null ? 1 : 1 + error.getSuppressed().length);
        if (error == null) {
            abandoned.incrementAndGet();
        }
        if (first.size() < 3) {
            first.add(what + (error == null ? "" : " (" + error + ")"));
        }
    }

    /** @return failures reported so far, counting exceptions suppressed into a reported one */
    long count() {
        return count.get();
    }

    /** @return reports without an exception (abandoned guards) */
    long abandoned() {
        return abandoned.get();
    }

    /** @return the first few reports, for a failure message */
    String sample() {
        return String.join("; ", first);
    }
}
