package dev.reclaim.micrometer;

import dev.reclaim.arc.ArcSwap;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Binds an {@link ArcSwap}'s {@link ArcSwap#stats() stats()} to a registry: writes, contended writes, the
 * helping they did, loads that took the helping path, compare-and-set failures, rcu retries, and the size of
 * the debt slot pool. Fast-path loads are not counted (a load writes nothing shared). Tag {@code swap} (the
 * name the caller gives) plus the caller's. The registry holds the swap weakly. Meter names: see the
 * {@linkplain dev.reclaim.micrometer package documentation}.
 */
public final class ArcSwapMetrics implements MeterBinder {
    private final ArcSwap<?> swap;
    private final Tags tags;

    /**
     * A binder for {@code swap}.
     *
     * @param swap the swap
     * @param name its name in the {@code swap} tag (a swap has no name of its own)
     * @param tags extra tags for every meter
     */
    public ArcSwapMetrics(ArcSwap<?> swap, String name, Iterable<Tag> tags) {
        this.swap = Objects.requireNonNull(swap, "swap");
        this.tags = Tags.concat(tags, "swap", Objects.requireNonNull(name, "name"));
    }

    /**
     * Binds {@code swap}'s meters to {@code registry}.
     *
     * @param registry the registry
     * @param swap     the swap
     * @param name     its name in the {@code swap} tag
     * @param tags     extra tags as key-value pairs
     * @param <S>      the swap's type
     * @return {@code swap}
     */
    public static <S extends ArcSwap<?>> S monitor(MeterRegistry registry, S swap, String name, String... tags) {
        new ArcSwapMetrics(swap, name, Tags.of(tags)).bindTo(registry);
        return swap;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "reclaim.arcswap.writes", "Values installed (stores, swaps, compareAndSets, rcus, close)",
                s -> s.stats().writes());
        counter(registry, "reclaim.arcswap.writes.contended", "Writes whose scan helped a load or paid a debt",
                s -> s.stats().contendedWrites());
        counter(registry, "reclaim.arcswap.handovers", "Loads a writer completed by handing over a value",
                s -> s.stats().handOvers());
        counter(registry, "reclaim.arcswap.debts.paid", "Reader debts writers turned into counts",
                s -> s.stats().debtsPaid());
        counter(registry, "reclaim.arcswap.loads.helping", "Loads that took the helping path",
                s -> s.stats().helpingLoads());
        counter(registry, "reclaim.arcswap.cas.failures", "compareAndSet calls that found another value",
                s -> s.stats().compareAndSetFailures());
        counter(registry, "reclaim.arcswap.rcu.retries", "rcu updates computed again after losing a race",
                s -> s.stats().rcuRetries());
        Gauge.builder("reclaim.arcswap.debt.slots", swap, s -> s.stats().debtSlots()).tags(tags)
                .description("Debt slots every writer scans (the pool is shared by all swaps)").register(registry);
    }

    private void counter(MeterRegistry registry, String name, String description, ToDoubleFunction<ArcSwap<?>> f) {
        FunctionCounter.builder(name, swap, f).tags(tags).description(description).register(registry);
    }
}
