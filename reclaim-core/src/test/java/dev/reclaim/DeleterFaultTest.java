package dev.reclaim;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fault paths of deleters, for every scheme that frees (EBR, HP, robust): a deleter that retires more
 * (allowed by {@link Deleter}'s contract) and a deleter that throws an {@link Error}. The reclaimer's stance on
 * both, as these tests pin it down:
 * <ul>
 *   <li>Retirement from a deleter is run to the end: pointers retired by deleters, however long the chain or
 *       wide the tree, are all deleted exactly once, without the deleters' recursion growing the stack with
 *       the chain, and {@link Reclaimer#close()} returns (it reclaims what deleters retire while it drains).</li>
 *   <li>An {@link Error} thrown by a deleter is treated like any other exception: it is counted as a failure
 *       and reported to the {@link FailureHandler}, it does not escape to the thread that happened to run the
 *       deleters, every other pending deleter still runs, and the reclaimer stays usable (it does not fail
 *       closed).</li>
 * </ul>
 */
class DeleterFaultTest {

    /** Not a timing check: a close() still running after this long is stuck (seconds are the norm, loaded). */
    private static final Duration DEADLOCK = Duration.ofMinutes(5);

    static Stream<Scheme> schemes() {
        return ReclaimerContractTest.schemes();
    }

    private static Reclaimer create(Scheme scheme, String name, FailureHandler handler) {
        return ReclaimerContractTest.create(scheme, name, handler, Duration.ofSeconds(10));
    }

    /**
     * A deleter over numbers 16 x i that counts deletions per pointer and, on deleting pointer i, retires its
     * children 2i and 2i + 1 (a tree) or i + 1 (a chain) while they are at most {@code n}, alternately through
     * the reclaimer and through a guard of its own.
     */
    static class Retiring implements Deleter {
        final Reclaimer reclaimer;
        final int n;
        final boolean tree;
        final AtomicLongArray deleted;
        /** Deepest stack seen inside delete(), in frames. */
        volatile int maxDepth;

        Retiring(Reclaimer reclaimer, int n, boolean tree) {
            this.reclaimer = reclaimer;
            this.n = n;
            this.tree = tree;
            this.deleted = new AtomicLongArray(n + 1);
        }

        @Override
        public void delete(long pointer) {
            int i = (int) (pointer / 16);
            deleted.incrementAndGet(i);
            int depth = StackWalker.getInstance().walk(s -> (int) s.count());
            if (depth > maxDepth) {
                maxDepth = depth;
            }
            if (tree) {
                retireChild(2L * i);
                retireChild(2L * i + 1);
            } else {
                retireChild(i + 1L);
            }
        }

        private void retireChild(long child) {
            if (child > n) {
                return;
            }
            if ((child & 1) == 0) {
                reclaimer.retire(16 * child, this);
            } else {
                try (Guard g = reclaimer.enter()) {
                    g.retire(16 * child, this);
                }
            }
        }

        void assertEachDeletedOnce() {
            for (int i = 1; i <= n; i++) {
                assertEquals(1, deleted.get(i), "pointer " + i + " deleted once");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void aChainOfRetirementsFromDeletersIsReclaimedToTheEndWithoutDeepeningTheStack(Scheme scheme) {
        int n = 20_000;
        Reclaimer r = create(scheme, "retiring-chain", FailureHandler.LOG);
        Retiring d = new Retiring(r, n, false);
        r.retire(16, d);
        for (int round = 0; round < 3; round++) {
            r.synchronize();
        }
        assertTimeoutPreemptively(DEADLOCK, r::close, scheme + ": close() with deleters that retire");
        d.assertEachDeletedOnce();
        assertClosedWithNothingPending(r, n, 0);
        assertTrue(d.maxDepth < 1_000, scheme + ": a deleter's retirement nested the deleters " + d.maxDepth
                + " frames deep for a chain of " + n + "; the stack must not grow with the chain");
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void aTreeOfRetirementsFromDeletersIsAllReclaimedByClose(Scheme scheme) {
        int n = 50_000;
        Reclaimer r = create(scheme, "retiring-tree", FailureHandler.LOG);
        Retiring d = new Retiring(r, n, true);
        r.retire(16, d);
        assertTimeoutPreemptively(DEADLOCK, r::close, scheme + ": close() with deleters that retire");
        d.assertEachDeletedOnce();
        assertClosedWithNothingPending(r, n, 0);
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void chainsRetiredFromDeletersOnSeveralThreadsAtOnceAreAllReclaimed(Scheme scheme) throws Exception {
        int n = 5_000;
        int threads = 4;
        Reclaimer r = create(scheme, "retiring-chains", FailureHandler.LOG);
        Retiring[] chains = new Retiring[threads];
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            Retiring d = chains[t] = new Retiring(r, n, false);
            // each thread starts a chain and keeps flushing, so its deleters run on several threads at once
            ts[t] = Thread.ofPlatform().start(() -> {
                r.retire(16, d);
                for (int k = 0; k < 20; k++) {
                    r.flush();
                }
            });
        }
        for (Thread t : ts) {
            t.join();
        }
        assertTimeoutPreemptively(DEADLOCK, r::close, scheme + ": close() with chains retiring on several threads");
        for (Retiring d : chains) {
            d.assertEachDeletedOnce();
        }
        assertClosedWithNothingPending(r, (long) threads * n, 0);
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void aDeleterThatRetiresMoreAndThenThrowsAnErrorLosesNeitherItsRetirementsNorTheOthers(Scheme scheme) {
        int n = 30_000;
        ReclaimerContractTest.Recording h = new ReclaimerContractTest.Recording();
        Reclaimer r = create(scheme, "retiring-then-throwing", h);
        // a tree whose deleters retire their children (growing the lists and bags the flush is draining) and
        // then, one in three, throw an OutOfMemoryError
        Retiring tree = new Retiring(r, n, true) {
            @Override
            public void delete(long pointer) {
                super.delete(pointer);
                if ((pointer / 16) % 3 == 0) {
                    throw new OutOfMemoryError("deleter of " + pointer + " after retiring its children (thrown by"
                            + " the test)");
                }
            }
        };
        r.retire(16, tree);
        r.synchronize();
        assertTimeoutPreemptively(DEADLOCK, r::close, scheme + ": close() with deleters that retire and throw");
        tree.assertEachDeletedOnce();
        long throwing = n / 3;
        assertClosedWithNothingPending(r, n, throwing);
        assertEquals(throwing, h.errors.stream().mapToLong(t -> 1 + t.getSuppressed().length).sum(),
                h.messages.toString());
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void errorsThrownByDeletersAreReportedAndTheReclaimerStaysUsable(Scheme scheme) {
        ReclaimerContractTest.Recording h = new ReclaimerContractTest.Recording();
        ReclaimerContractTest.Counting ok = new ReclaimerContractTest.Counting(200, 0);
        Deleter oom = p -> {
            throw new OutOfMemoryError("deleter of " + p + " (thrown by the test)");
        };
        Deleter soe = p -> {
            throw new StackOverflowError("deleter of " + p + " (thrown by the test)");
        };
        Reclaimer r = create(scheme, "erroring", h);
        for (int i = 1; i <= 100; i++) {
            try (Guard g = r.enter()) {
                g.retire(ReclaimerContractTest.Counting.ptr(i), ok);
                g.retire(16L * (1000 + i), i % 2 == 0 ? oom : soe);
            }
        }
        r.synchronize();
        for (int i = 1; i <= 100; i++) {
            assertEquals(1, ok.count(i), scheme + ": pointer " + i + " next to a deleter that threw an Error");
        }
        assertEquals(100, r.stats().failures());
        assertEquals(200, r.stats().reclaimed());
        assertEquals(100, h.errors.stream().mapToLong(t -> 1 + t.getSuppressed().length).sum(), h.messages.toString());
        assertTrue(h.errors.stream().allMatch(t -> t instanceof OutOfMemoryError || t instanceof StackOverflowError),
                h.errors.toString());

        // still usable: new retirements are reclaimed, including by close()
        for (int i = 101; i <= 200; i++) {
            try (Guard g = r.enter()) {
                g.retire(ReclaimerContractTest.Counting.ptr(i), ok);
                g.retire(16L * (1000 + i), oom);
            }
        }
        r.synchronize();
        for (int i = 101; i <= 150; i++) {
            try (Guard g = r.enter()) {
                g.retire(ReclaimerContractTest.Counting.ptr(i + 50), ok);
            }
        }
        assertTimeoutPreemptively(DEADLOCK, r::close, scheme + ": close() after deleter Errors");
        for (int i = 101; i <= 200; i++) {
            assertTrue(ok.count(i) >= 1, scheme + ": pointer " + i + " after the Errors");
        }
        assertClosedWithNothingPending(r, r.stats().retired(), 200);
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void aRealStackOverflowInADeleterDoesNotLoseTheOthers(Scheme scheme) {
        ReclaimerContractTest.Recording h = new ReclaimerContractTest.Recording();
        ReclaimerContractTest.Counting ok = new ReclaimerContractTest.Counting(10, 0);
        Deleter overflowing = p -> recurse(p);
        Reclaimer r = create(scheme, "overflowing", h);
        try (Guard g = r.enter()) {
            g.retire(ReclaimerContractTest.Counting.ptr(1), ok);
            g.retire(16L * 100, overflowing);
            g.retire(ReclaimerContractTest.Counting.ptr(2), ok);
        }
        assertTimeoutPreemptively(DEADLOCK, r::close, scheme + ": close() draining an overflowing deleter");
        assertEquals(1, ok.count(1));
        assertEquals(1, ok.count(2));
        assertEquals(1, r.stats().failures());
        assertEquals(3, r.stats().reclaimed());
        assertInstanceOf(StackOverflowError.class, h.errors.get(0));
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void anErrorFromTheFailureHandlerItselfDoesNotStopReclamation(Scheme scheme) {
        ReclaimerContractTest.Counting ok = new ReclaimerContractTest.Counting(10, 0);
        FailureHandler throwing = (name, what, error) -> {
            throw new OutOfMemoryError("failure handler (thrown by the test)");
        };
        Reclaimer r = create(scheme, "handler-throws", throwing);
        try (Guard g = r.enter()) {
            g.retire(ReclaimerContractTest.Counting.ptr(1), ok);
            g.retire(16L * 100, p -> {
                throw new IllegalStateException("boom");
            });
            g.retire(ReclaimerContractTest.Counting.ptr(2), ok);
        }
        r.synchronize();
        try (Guard g = r.enter()) {
            g.retire(ReclaimerContractTest.Counting.ptr(3), ok);
        }
        assertTimeoutPreemptively(DEADLOCK, r::close);
        assertEquals(1, ok.count(1));
        assertEquals(1, ok.count(2));
        assertEquals(1, ok.count(3));
        assertEquals(1, r.stats().failures());
        assertEquals(4, r.stats().reclaimed());
    }

    /** After close: {@code retired} entries retired, all reclaimed, none pending, {@code failures} counted. */
    private static void assertClosedWithNothingPending(Reclaimer r, long retired, long failures) {
        ReclaimerStats st = r.stats();
        assertEquals(retired, st.retired());
        assertEquals(retired, st.reclaimed());
        assertEquals(0, st.pending());
        assertEquals(failures, st.failures());
    }

    /** Recurses until the stack overflows (the deleter's own bug). */
    private static long recurse(long p) {
        return recurse(p + 1) + 1;
    }
}
