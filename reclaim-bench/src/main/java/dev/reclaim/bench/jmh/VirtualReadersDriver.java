package dev.reclaim.bench.jmh;

import java.lang.management.ManagementFactory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The thread-per-task driver of the virtual-reader benchmarks ({@link ArcSwapVirtualBench},
 * {@link VirtualReadersBench}) and the process CPU time per read they print.
 */
final class VirtualReadersDriver {

    /** One reader's work: its reads, yielding on virtual threads; returns a sum to sink. */
    interface Reader {
        long read(boolean virtual);
    }

    private VirtualReadersDriver() {
    }

    /**
     * Runs {@code readers} readers of {@code ops} reads: on {@code virtual} threads one virtual thread per reader
     * (a virtual-thread-per-task executor), otherwise the same reads split over one platform thread per core.
     */
    static void run(boolean virtual, int readers, int ops, Blackhole bh, Reader reader) throws InterruptedException {
        if (virtual) {
            try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int r = 0; r < readers; r++) {
                    ex.execute(() -> bh.consume(reader.read(true)));
                }
            }
            return;
        }
        int cores = Runtime.getRuntime().availableProcessors();
        Thread[] ts = new Thread[cores];
        long share = (long) readers * ops / cores;
        for (int c = 0; c < cores; c++) {
            ts[c] = Thread.ofPlatform().start(() -> {
                long s = 0;
                for (long done = 0; done < share; done += ops) {
                    s += reader.read(false);
                }
                bh.consume(s);
            });
        }
        for (Thread t : ts) {
            t.join();
        }
    }

    /** The CPU time of every thread of this JVM so far (JIT and GC included). */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * Prints the process CPU time since {@code cpuAtStart} per read ({@code cpu ns/read}): on a shared, loaded
     * machine it moves less than the wall time, which includes the time the JVM's threads waited for a core.
     */
    static void printCpuPerRead(long cpuAtStart, long reads) {
        System.out.printf("%ncpu ns/read: %.1f%n", (processCpuNanos() - cpuAtStart) / (double) reads);
    }
}
