/**
 * Safe memory reclamation for the JVM: the reclamation core.
 *
 * <p>The one interface is {@link dev.reclaim.Reclaimer}: enter a {@link dev.reclaim.Guard}, protect the
 * pointers you read, retire what you unlink, and the reclaimer runs each deleter once no reader can reach it.
 * Schemes live one per package ({@code dev.reclaim.epoch}, {@code dev.reclaim.hazard},
 * {@code dev.reclaim.robust}); off-heap memory comes from {@code dev.reclaim.memory}. The module has no
 * dependencies outside the JDK. Counted handles ({@code dev.reclaim.arc}) and the locks
 * ({@code dev.reclaim.sync}) are separate modules built on this one.
 */
module dev.reclaim {
    // Optional: the EBR events are recorded when jdk.jfr is resolved (-XX:StartFlightRecording resolves it, or
    // --add-modules jdk.jfr); without it the library runs the same, with no events.
    requires static jdk.jfr;

    exports dev.reclaim;
    exports dev.reclaim.epoch;
    exports dev.reclaim.hazard;
    exports dev.reclaim.memory;
    exports dev.reclaim.robust;
    // The shared skeleton, the asymmetric fence and CachingDeleter: for the library's own modules only.
    exports dev.reclaim.internal to dev.reclaim.arc, dev.reclaim.sync, dev.reclaim.collections;
}
