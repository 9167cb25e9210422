package dev.reclaim.micrometer;

import dev.reclaim.realtime.RealtimeCollector;
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
 * Binds a {@link RealtimeCollector}'s {@link RealtimeCollector#stats() stats()} to a registry: the backlog
 * (pending, waiting), live objects, registrations, destructions, ring overflows, failures, passes and the
 * longest drop-to-destruction latency. Tag {@code collector} (its name) plus the caller's. Reading
 * {@code stats()} waits for a running pass, so the meters are read on the scrape thread, never on a realtime
 * one. The registry holds the collector weakly. Meter names: see the
 * {@linkplain dev.reclaim.micrometer package documentation}.
 */
public final class RealtimeCollectorMetrics implements MeterBinder {
    private final RealtimeCollector collector;
    private final Tags tags;

    /**
     * A binder for {@code collector}.
     *
     * @param collector the collector
     * @param tags      extra tags for every meter
     */
    public RealtimeCollectorMetrics(RealtimeCollector collector, Iterable<Tag> tags) {
        this.collector = Objects.requireNonNull(collector, "collector");
        this.tags = Tags.concat(tags, "collector", collector.name());
    }

    /**
     * Binds {@code collector}'s meters to {@code registry}.
     *
     * @param registry  the registry
     * @param collector the collector
     * @param tags      extra tags as key-value pairs
     * @return {@code collector}
     */
    public static RealtimeCollector monitor(MeterRegistry registry, RealtimeCollector collector, String... tags) {
        new RealtimeCollectorMetrics(collector, Tags.of(tags)).bindTo(registry);
        return collector;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("reclaim.collector.pending", collector, c -> c.stats().pending()).tags(tags)
                .description("Dropped and not destroyed yet, waiting ones included").baseUnit("objects")
                .register(registry);
        Gauge.builder("reclaim.collector.waiting", collector, c -> c.stats().waiting()).tags(tags)
                .description("Taken by the collector but not ready (still shared)").baseUnit("objects")
                .register(registry);
        Gauge.builder("reclaim.collector.live", collector, c -> c.stats().live()).tags(tags)
                .description("Registered and not destroyed yet").baseUnit("objects").register(registry);
        FunctionCounter.builder("reclaim.collector.registered", collector, c -> c.stats().registered()).tags(tags)
                .description("Objects registered").baseUnit("objects").register(registry);
        FunctionCounter.builder("reclaim.collector.destroyed", collector, c -> c.stats().destroyed()).tags(tags)
                .description("Objects destroyed").baseUnit("objects").register(registry);
        FunctionCounter.builder("reclaim.collector.overflowed", collector, c -> c.stats().overflowed()).tags(tags)
                .description("Drops that found the bounded ring full").register(registry);
        FunctionCounter.builder("reclaim.collector.failures", collector, c -> c.stats().failures()).tags(tags)
                .description("Destructors or readiness checks that threw").register(registry);
        FunctionCounter.builder("reclaim.collector.passes", collector, c -> c.stats().passes()).tags(tags)
                .description("Collection passes run").register(registry);
        TimeGauge.builder("reclaim.collector.latency.max", collector, TimeUnit.NANOSECONDS,
                        c -> c.stats().maxLatencyNanos()).tags(tags)
                .description("The longest time from a drop to the end of its destruction").register(registry);
    }
}
