package dev.reclaim.epoch;

import dev.reclaim.Deleter;
import dev.reclaim.FailureHandler;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;

/** Shared helpers for the epoch tests. */
final class EpochTesting {
    private EpochTesting() {
    }

    /** A failure handler that records every report. */
    static final class RecordingHandler implements FailureHandler {
        final List<String> messages = new CopyOnWriteArrayList<>();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();

        @Override
        public void failed(String reclaimerName, String what, Throwable error) {
            messages.add(what);
            if (error != null) {
                errors.add(error);
            }
        }
    }

    /** A deleter over plain numbers 1..n that counts how often each was deleted. */
    static final class CountingDeleter implements Deleter {
        final AtomicLongArray deleted;
        final long bytesEach;

        CountingDeleter(int n) {
            this(n, 0);
        }

        CountingDeleter(int n, long bytesEach) {
            this.deleted = new AtomicLongArray(n + 1);
            this.bytesEach = bytesEach;
        }

        @Override
        public void delete(long pointer) {
            deleted.incrementAndGet((int) pointer);
        }

        @Override
        public long sizeOf(long pointer) {
            return bytesEach;
        }

        long count(long pointer) {
            return deleted.get((int) pointer);
        }

        long total() {
            long t = 0;
            for (int i = 0; i < deleted.length(); i++) {
                t += deleted.get(i);
            }
            return t;
        }

        /** Asserts ids 1..n were each deleted exactly once. */
        void assertEachOnce(int n) {
            for (int i = 1; i <= n; i++) {
                if (deleted.get(i) != 1) {
                    throw new AssertionError("pointer " + i + " deleted " + deleted.get(i) + " times");
                }
            }
        }
    }

    static EpochReclaimer.Builder quick() {
        return EpochReclaimer.builder().closeTimeout(Duration.ofSeconds(10));
    }
}
