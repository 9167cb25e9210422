package dev.reclaim.micrometer;

import dev.reclaim.memory.SlabAllocator;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.Objects;

/**
 * Binds a {@link SlabAllocator}'s {@link SlabAllocator#stats() stats()} to a registry: live blocks and bytes,
 * bytes reserved from the operating system, the peak, allocations and frees. Tag {@code allocator} (its name)
 * plus the caller's. The registry holds the allocator weakly. Meter names: see the
 * {@linkplain dev.reclaim.micrometer package documentation}.
 */
public final class SlabAllocatorMetrics implements MeterBinder {
    private final SlabAllocator allocator;
    private final Tags tags;

    /**
     * A binder for {@code allocator}.
     *
     * @param allocator the allocator
     * @param tags      extra tags for every meter
     */
    public SlabAllocatorMetrics(SlabAllocator allocator, Iterable<Tag> tags) {
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.tags = Tags.concat(tags, "allocator", allocator.stats().name());
    }

    /**
     * Binds {@code allocator}'s meters to {@code registry}.
     *
     * @param registry  the registry
     * @param allocator the allocator
     * @param tags      extra tags as key-value pairs
     * @return {@code allocator}
     */
    public static SlabAllocator monitor(MeterRegistry registry, SlabAllocator allocator, String... tags) {
        new SlabAllocatorMetrics(allocator, Tags.of(tags)).bindTo(registry);
        return allocator;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("reclaim.allocator.live.blocks", allocator, a -> a.stats().liveBlocks()).tags(tags)
                .description("Blocks allocated and not freed").baseUnit("blocks").register(registry);
        Gauge.builder("reclaim.allocator.live.bytes", allocator, a -> a.stats().liveBytes()).tags(tags)
                .description("Usable bytes of the live blocks").baseUnit("bytes").register(registry);
        Gauge.builder("reclaim.allocator.reserved.bytes", allocator, a -> a.stats().reservedBytes()).tags(tags)
                .description("Bytes obtained from the operating system and not returned (segments of chunks and "
                        + "large blocks; in sanitizer mode the blocks with their redzones)").baseUnit("bytes")
                .register(registry);
        Gauge.builder("reclaim.allocator.peak.live.bytes", allocator, a -> a.stats().peakLiveBytes()).tags(tags)
                .description("The highest live bytes seen (sampled: a lower bound)").baseUnit("bytes")
                .register(registry);
        FunctionCounter.builder("reclaim.allocator.allocations", allocator, a -> a.stats().allocations()).tags(tags)
                .description("Blocks allocated").baseUnit("blocks").register(registry);
        FunctionCounter.builder("reclaim.allocator.frees", allocator, a -> a.stats().frees()).tags(tags)
                .description("Blocks freed").baseUnit("blocks").register(registry);
    }
}
