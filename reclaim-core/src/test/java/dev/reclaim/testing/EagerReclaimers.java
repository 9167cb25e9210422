package dev.reclaim.testing;

import dev.reclaim.Reclaimer;
import dev.reclaim.epoch.EpochReclaimer;
import dev.reclaim.hazard.HazardReclaimer;
import dev.reclaim.robust.RobustReclaimer;
import java.util.function.Supplier;

/**
 * The shipped reclaimers, configured so that a model-checked scenario of two threads and a few operations can
 * free a node: each is as eager as it can be made without changing its code.
 */
public final class EagerReclaimers {

    private EagerReclaimers() {
    }

    /**
     * EBR with one-entry bags and an advance attempt on every close.
     *
     * @return makes one reclaimer per call
     */
    public static Supplier<Reclaimer> ebr() {
        return () -> EpochReclaimer.builder().bagCapacity(1).advanceEvery(1).build();
    }

    /**
     * Hazard pointers with a scan on every retirement (scan threshold 1).
     *
     * @return makes one reclaimer per call
     */
    public static Supplier<Reclaimer> hp() {
        return () -> HazardReclaimer.builder().scanThreshold(1).build();
    }

    /**
     * The interval-based scheme with a scan and an era advance on every retirement.
     *
     * @return makes one reclaimer per call
     */
    public static Supplier<Reclaimer> robust() {
        return () -> RobustReclaimer.builder().scanThreshold(1).eraEvery(1).build();
    }

    /**
     * The eager reclaimer of a scheme by its id.
     *
     * @param scheme {@code ebr}, {@code hp} or {@code robust}
     * @return makes one reclaimer per call
     * @throws IllegalArgumentException for another id
     */
    public static Supplier<Reclaimer> of(String scheme) {
        return switch (scheme) {
            case "ebr" -> ebr();
            case "hp" -> hp();
            case "robust" -> robust();
            default -> throw new IllegalArgumentException("no eager configuration for scheme '" + scheme
                    + "'; use ebr, hp or robust");
        };
    }
}
