package dev.reclaim.bench.torture;

import dev.reclaim.FailureHandler;
import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.epoch.EpochReclaimer;
import dev.reclaim.hazard.HazardReclaimer;
import dev.reclaim.robust.RobustReclaimer;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

/** Builds the reclaimers under test with the torture's failure handler, and knows each scheme's garbage bound. */
final class Reclaimers {

    private Reclaimers() {
    }

    /**
     * The schemes that free (the leak baseline has nothing to torture).
     *
     * @return every freeing scheme
     */
    static List<Scheme> freeing() {
        return Arrays.stream(Scheme.values()).filter(s -> s != Scheme.LEAK).toList();
    }

    /**
     * A reclaimer of {@code scheme} whose failures go to {@code failures}.
     *
     * @param scheme   the scheme
     * @param name     the reclaimer's name (shows in failure messages)
     * @param failures where deleter and abandoned-guard failures are reported
     * @return a new reclaimer; the caller closes it
     */
    static Reclaimer create(Scheme scheme, String name, FailureHandler failures) {
        Duration closeTimeout = Duration.ofSeconds(20);
        return switch (scheme) {
            case EBR -> EpochReclaimer.builder().name(name).failureHandler(failures).closeTimeout(closeTimeout).build();
            case HP -> HazardReclaimer.builder().name(name).failureHandler(failures).closeTimeout(closeTimeout).build();
            case ROBUST -> RobustReclaimer.builder().name(name).failureHandler(failures).closeTimeout(closeTimeout)
                    .build();
            default -> throw new IllegalArgumentException("torture has no builder for scheme " + scheme.id()
                    + "; add it to Reclaimers.create");
        };
    }

    /**
     * The documented bound on pending garbage, if the scheme has one.
     *
     * @param reclaimer the reclaimer
     * @param guards    the guards that may be open at once (workers plus a stalled reader): the robust scheme's
     *                  bound counts each, since a worker descheduled inside a guard is a stalled reader
     * @param maxLive   the most blocks the structure held while they were open (what the robust scheme's bound
     *                  adds per stalled guard; the structures stamp birth eras)
     * @return the bound, or empty for unbounded schemes (EBR)
     */
    static OptionalLong garbageBound(Reclaimer reclaimer, int guards, long maxLive) {
        if (reclaimer instanceof HazardReclaimer hp) {
            return OptionalLong.of(hp.garbageBound());
        }
        if (reclaimer instanceof RobustReclaimer robust) {
            return OptionalLong.of(robust.garbageBound(guards, maxLive));
        }
        return OptionalLong.empty();
    }
}
