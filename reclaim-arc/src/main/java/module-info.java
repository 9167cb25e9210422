/**
 * Counted handles to resources: {@code Arc}, {@code Weak}, {@code ArcSwap} (loads that bump no shared
 * counter) and the realtime-safe deferred collector ({@code dev.reclaim.realtime}).
 */
module dev.reclaim.arc {
    requires transitive dev.reclaim;

    exports dev.reclaim.arc;
    exports dev.reclaim.realtime;
}
