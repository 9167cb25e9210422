package dev.reclaim.testing;

import java.lang.management.ManagementFactory;

/** The current thread's allocated heap bytes, for the zero-allocation tests of every package. */
public final class HeapAllocation {

    private static final com.sun.management.ThreadMXBean MX =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private HeapAllocation() {
    }

    /**
     * Heap bytes allocated so far by the current thread.
     *
     * @return {@code getThreadAllocatedBytes} of the current thread
     */
    public static long currentThread() {
        return MX.getThreadAllocatedBytes(Thread.currentThread().threadId());
    }

    /**
     * The fewest heap bytes the current thread allocated over 3 runs of {@code work}. A hot path that allocates
     * per operation shows up in every run; a one-off allocation in one window (a deoptimisation, a JIT
     * recompile) does not make a zero-allocation test flaky.
     *
     * @param work the measured loop
     * @return the smallest allocation of the 3 runs, in bytes
     */
    public static long fewestBytes(Runnable work) {
        long fewest = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 3; attempt++) {
            long before = currentThread();
            work.run();
            fewest = Math.min(fewest, currentThread() - before);
        }
        return fewest;
    }
}
