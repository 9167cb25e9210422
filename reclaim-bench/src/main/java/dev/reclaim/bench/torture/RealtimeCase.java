package dev.reclaim.bench.torture;

import dev.reclaim.arc.Arc;
import dev.reclaim.realtime.CloseReport;
import dev.reclaim.realtime.CollectorStats;
import dev.reclaim.realtime.RealtimeCollector;
import dev.reclaim.realtime.SharedCell;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The realtime collector under churn, with a bounded ring small enough to overflow: reader threads read a
 * {@link SharedCell} that writers keep replacing, writers create counted handles
 * ({@code Arc.of(value, releaser, collector)}) whose last release happens on a reader thread (a realtime-style
 * drop), and one reader stalls holding a cell value for the whole run. Each value counts the readers using it
 * and fails if its destructor runs while one does. Checks: no value destroyed while read (in particular the
 * stalled reader's), none destroyed twice, the stalled value destroyed only after its reader let go, every value
 * destroyed by a clean {@link RealtimeCollector#close(Duration)}, no destructor failure, and the overflow path
 * taken (the summary reports how often).
 */
final class RealtimeCase implements TortureCase {

    /** A value that knows who uses it. */
    static final class Res {
        final long id;
        final AtomicInteger users = new AtomicInteger();
        final AtomicInteger destroyed = new AtomicInteger();

        Res(long id) {
            this.id = id;
        }
    }

    private final long writesPerWriter;
    private final boolean eager;

    /**
     * A realtime-collector case.
     *
     * @param writesPerWriter replacements and handles per writer
     * @param eager           the negative control: a writer also destroys the value it replaced at once, as a
     *                        collector that ignored its readers would, so readers and the collector see values
     *                        destroyed under them and twice, and the case must fail
     */
    RealtimeCase(long writesPerWriter, boolean eager) {
        this.writesPerWriter = writesPerWriter;
        this.eager = eager;
    }

    @Override
    public String name() {
        return "realtime collector";
    }

    @Override
    public String run(long seed, int threads) throws Exception {
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Res> all = new ConcurrentLinkedQueue<>();
        AtomicLong ids = new AtomicLong();
        Failures failures = new Failures();
        RealtimeCollector collector = RealtimeCollector.builder().name("torture-realtime")
                .interval(Duration.ofMillis(1)).capacity(64).failureHandler(failures).build();
        java.util.function.Consumer<Res> destructor = v -> {
            if (v.users.get() != 0) {
                errors.add("value " + v.id + " destroyed while " + v.users.get() + " reader(s) used it");
            }
            if (v.destroyed.incrementAndGet() != 1) {
                errors.add("value " + v.id + " destroyed twice");
            }
        };
        java.util.function.Supplier<Res> fresh = () -> {
            Res r = new Res(ids.incrementAndGet());
            all.add(r);
            return r;
        };
        SharedCell<Res> cell = collector.cell(fresh.get(), destructor);
        ConcurrentLinkedQueue<Arc<Res>> handoff = new ConcurrentLinkedQueue<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong reads = new AtomicLong();
        AtomicLong drops = new AtomicLong();

        // the stalled reader: holds one value from the start to the end of the writes
        SharedCell.Reader<Res> stalledReader = cell.reader();
        Res stalled = stalledReader.get();
        stalled.users.incrementAndGet();

        List<Thread> workers = new ArrayList<>();
        int readers = Math.max(2, threads);
        for (int t = 0; t < readers; t++) {
            SharedCell.Reader<Res> reader = cell.reader();
            workers.add(Thread.ofPlatform().name("torture-realtime-reader-" + t).start(() -> {
                try (reader) {
                    while (writing.get() || !handoff.isEmpty()) {
                        Res v = reader.get();
                        v.users.incrementAndGet();
                        if (v.destroyed.get() != 0) {
                            errors.add("a reader got value " + v.id + " after its destruction");
                        }
                        Thread.onSpinWait();
                        v.users.decrementAndGet();
                        reads.incrementAndGet();
                        Arc<Res> h = handoff.poll();
                        if (h != null) {
                            if (h.get().destroyed.get() != 0) {
                                errors.add("a handle's value " + h.get().id + " was destroyed while it was held");
                            }
                            h.close(); // the last release, on this thread: the collector runs the destructor
                            drops.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    errors.add("reader: " + e);
                }
            }));
        }
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            Random random = new Random(seed * 13 + w);
            writers.add(Thread.ofPlatform().name("torture-realtime-writer-" + w).start(() -> {
                try {
                    for (long i = 0; i < writesPerWriter; i++) {
                        if (random.nextBoolean()) {
                            Res old = eager ? cell.peek() : null;
                            cell.set(fresh.get());
                            if (old != null) {
                                destructor.accept(old);
                            }
                        } else {
                            Arc<Res> h = Arc.of(fresh.get(), destructor::accept, collector);
                            Arc<Res> second = h.retain();
                            h.close(); // not the last: the reader's close is
                            handoff.add(second);
                        }
                        if ((i & 63) == 0) {
                            Thread.yield();
                        }
                    }
                } catch (Throwable e) {
                    errors.add("writer: " + e);
                }
            }));
        }
        for (Thread w : writers) {
            w.join();
        }
        writing.set(false);
        for (Thread r : workers) {
            r.join();
        }
        if (stalled.destroyed.get() != 0) {
            errors.add("the stalled reader's value " + stalled.id + " was destroyed while it held it");
        }
        stalled.users.decrementAndGet();
        stalledReader.close();
        cell.close();
        CollectorStats stats = collector.stats();
        CloseReport report = collector.close(Duration.ofSeconds(20));
        if (!report.clean()) {
            errors.add("close left " + report.notDestroyed() + " value(s) not destroyed: " + report.waiting());
        }
        long undestroyed = all.stream().filter(r -> r.destroyed.get() == 0).count();
        if (undestroyed != 0) {
            errors.add(undestroyed + " of " + all.size() + " values never destroyed");
        }
        if (failures.count() != 0) {
            errors.add("the collector reported failures: " + failures.sample());
        }
        if (!errors.isEmpty()) {
            throw new AssertionError(errors.size() + " violation(s), first: " + errors.peek());
        }
        return String.format("%,d reads by %d readers + 1 stalled, %,d values (%,d handles dropped on reader threads),"
                        + " %,d drops overflowed the 64-slot ring, each destroyed once, none while read", reads.get(),
                readers, all.size(), drops.get(), stats.overflowed());
    }
}
