/**
 * Micrometer binders for the reclaim library: register a reclaimer, a slab allocator, an {@code ArcSwap} or a
 * realtime collector with a {@code MeterRegistry} and its counters appear on the service's dashboard. The
 * application provides Micrometer; see {@link dev.reclaim.micrometer} for the meter names.
 */
module dev.reclaim.micrometer {
    requires transitive dev.reclaim.arc;
    requires transitive micrometer.core;

    exports dev.reclaim.micrometer;
}
