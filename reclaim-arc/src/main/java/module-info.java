/**
 * Counted handles to resources: {@code Arc}, {@code Weak}, {@code ArcSwap} (loads that bump no shared
 * counter) and the realtime-safe deferred collector ({@code dev.reclaim.realtime}).
 */
module dev.reclaim.arc {
    requires transitive dev.reclaim;
    // Optional, as in dev.reclaim: the ArcSwap and collector events are recorded when jdk.jfr is resolved.
    requires static jdk.jfr;

    exports dev.reclaim.arc;
    exports dev.reclaim.realtime;
}
