package dev.reclaim.examples.birdcage;

import dev.reclaim.Deleter;
import dev.reclaim.Guard;
import dev.reclaim.LeakReclaimer;
import dev.reclaim.Reclaimer;
import dev.reclaim.ReclaimerStats;
import dev.reclaim.Scheme;
import dev.reclaim.memory.SlabAllocator;
import dev.reclaim.memory.UseAfterFreeException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Negative controls: a broken reclaimer that frees at retire time must be caught by the cage's checks. */
class PrematureFreeTest {

    @Test
    void fastModeCountsAReadOfACanaryFreedTooEarlyAsDead() {
        try (SlabAllocator allocator = SlabAllocator.builder().name("premature-fast").sanitize(false).build()) {
            Reclaimer eager = new EagerReclaimer();
            BirdCage cage = new BirdCage(eager, allocator, 2);
            long seen = cage.canaryAt(0);   // a reader loaded this pointer ...
            cage.replace(0);                // ... a writer replaced it and the broken reclaimer freed it at once
            cage.check(seen);               // ... the reader looks at it
            assertEquals(1, cage.deadReads());
            assertEquals(1, cage.freed());
            cage.close();
            eager.close();
        }
    }

    @Test
    void sanitizerModeTurnsAReadOfACanaryFreedTooEarlyIntoUseAfterFree() {
        try (SlabAllocator allocator = SlabAllocator.builder().name("premature-sanitize").sanitize(true).build()) {
            Reclaimer eager = new EagerReclaimer();
            BirdCage cage = new BirdCage(eager, allocator, 2);
            long seen = cage.canaryAt(1);
            cage.replace(1);
            assertThrows(UseAfterFreeException.class, () -> cage.check(seen));
            cage.close();
            eager.close();
        }
    }

    /** Runs every deleter inside retire(): ignores readers entirely (what a reclamation bug looks like). */
    private static final class EagerReclaimer implements Reclaimer {
        private final LeakReclaimer guards = new LeakReclaimer("eager");

        @Override
        public Guard enter() {
            Guard inner = guards.enter();
            return new Guard() {
                @Override
                public long protect(int index, long address) {
                    return inner.protect(index, address);
                }

                @Override
                public <T> T protect(int index, AtomicReference<T> source) {
                    return inner.protect(index, source);
                }

                @Override
                public void unprotect(int index) {
                    inner.unprotect(index);
                }

                @Override
                public void repin() {
                    inner.repin();
                }

                @Override
                public void retire(long pointer, Deleter deleter) {
                    deleter.delete(pointer); // the bug: no grace period
                }

                @Override
                public void defer(Runnable action) {
                    action.run();
                }

                @Override
                public Reclaimer reclaimer() {
                    return EagerReclaimer.this;
                }

                @Override
                public boolean isOpen() {
                    return inner.isOpen();
                }

                @Override
                public void close() {
                    inner.close();
                }
            };
        }

        @Override
        public void flush() {
        }

        @Override
        public void synchronize() {
        }

        @Override
        public boolean synchronize(Duration timeout) {
            return true;
        }

        @Override
        public ReclaimerStats stats() {
            return guards.stats();
        }

        @Override
        public Scheme scheme() {
            return Scheme.LEAK;
        }

        @Override
        public String name() {
            return "eager";
        }

        @Override
        public boolean isClosed() {
            return guards.isClosed();
        }

        @Override
        public void close() {
            guards.close();
        }
    }
}
