/**
 * Safe memory reclamation for the JVM.
 *
 * <p>The one interface is {@link dev.reclaim.Reclaimer}: enter a {@link dev.reclaim.Guard}, protect the
 * pointers you read, retire what you unlink, and the reclaimer runs each deleter once no reader can reach it.
 * Schemes live one per package ({@code dev.reclaim.epoch}, ...); off-heap memory comes from
 * {@code dev.reclaim.memory}. The module has no dependencies outside the JDK.
 */
module dev.reclaim {
    requires jdk.jfr;

    exports dev.reclaim;
    exports dev.reclaim.arc;
    exports dev.reclaim.epoch;
    exports dev.reclaim.hazard;
    exports dev.reclaim.memory;
    exports dev.reclaim.realtime;
    exports dev.reclaim.robust;
    exports dev.reclaim.sync;
}
