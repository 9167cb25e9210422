package dev.reclaim.micrometer;

import dev.reclaim.GuardInfo;
import dev.reclaim.Reclaimer;
import dev.reclaim.ReclaimerStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Binds a {@link Reclaimer}'s {@link Reclaimer#stats() stats()} to a registry: pending garbage (count and
 * bytes), its peak, retired / reclaimed / failures counters, open guards and the oldest guard's age, the epoch
 * or era. Tags {@code reclaimer} (its name) and {@code scheme} (its id) plus the caller's. Each meter reads
 * {@code stats()} when it is published (a scrape), not on the reclaimer's paths. The registry holds the
 * reclaimer weakly. Meter names: see the {@linkplain dev.reclaim.micrometer package documentation}.
 *
 * <pre>{@code
 * ReclaimerMetrics.monitor(registry, reclaimer, "structure", "sessions");
 * }</pre>
 */
public final class ReclaimerMetrics implements MeterBinder {
    private final Reclaimer reclaimer;
    private final Tags tags;

    /**
     * A binder for {@code reclaimer}.
     *
     * @param reclaimer the reclaimer
     * @param tags      extra tags for every meter
     */
    public ReclaimerMetrics(Reclaimer reclaimer, Iterable<Tag> tags) {
        this.reclaimer = Objects.requireNonNull(reclaimer, "reclaimer");
        ReclaimerStats s = reclaimer.stats();
        this.tags = Tags.concat(tags, "reclaimer", s.name(), "scheme", s.scheme().id());
    }

    /**
     * Binds {@code reclaimer}'s meters to {@code registry}.
     *
     * @param registry  the registry
     * @param reclaimer the reclaimer
     * @param tags      extra tags as key-value pairs
     * @param <R>       the reclaimer's type
     * @return {@code reclaimer}
     */
    public static <R extends Reclaimer> R monitor(MeterRegistry registry, R reclaimer, String... tags) {
        new ReclaimerMetrics(reclaimer, Tags.of(tags)).bindTo(registry);
        return reclaimer;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("reclaim.garbage.pending", reclaimer, r -> r.stats().pending()).tags(tags)
                .description("Retired objects not reclaimed yet").baseUnit("objects").register(registry);
        Gauge.builder("reclaim.garbage.pending.bytes", reclaimer, r -> r.stats().pendingBytes()).tags(tags)
                .description("Bytes held by retired objects not reclaimed yet (Deleter.sizeOf)").baseUnit("bytes")
                .register(registry);
        Gauge.builder("reclaim.garbage.peak", reclaimer, r -> r.stats().peakPending()).tags(tags)
                .description("The largest pending count seen at a reclamation step").baseUnit("objects")
                .register(registry);
        FunctionCounter.builder("reclaim.retired", reclaimer, r -> r.stats().retired()).tags(tags)
                .description("Pointers retired and actions deferred").baseUnit("objects").register(registry);
        FunctionCounter.builder("reclaim.reclaimed", reclaimer, r -> r.stats().reclaimed()).tags(tags)
                .description("Deleters and deferred actions run").baseUnit("objects").register(registry);
        FunctionCounter.builder("reclaim.failures", reclaimer, r -> r.stats().failures()).tags(tags)
                .description("Deleters that threw plus guards found abandoned").register(registry);
        Gauge.builder("reclaim.guards.open", reclaimer, r -> r.stats().openGuards()).tags(tags)
                .description("Guards open at the time of the reading").baseUnit("guards").register(registry);
        TimeGauge.builder("reclaim.guards.oldest.age", reclaimer, TimeUnit.NANOSECONDS, ReclaimerMetrics::oldestAge)
                .tags(tags).description("How long the oldest open guard has been open, at least (0: none, "
                        + "or a scheme that keeps no clock)").register(registry);
        Gauge.builder("reclaim.epoch", reclaimer, r -> r.stats().epoch()).tags(tags)
                .description("The global epoch (ebr) or era (robust); -1 for schemes without one").register(registry);
    }

    private static double oldestAge(Reclaimer r) {
        GuardInfo g = r.stats().oldestGuard();
        return g == null ? 0 : g.ageNanos();
    }
}
