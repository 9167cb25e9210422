package dev.reclaim.bench.torture;

import dev.reclaim.Scheme;

import java.util.ArrayList;
import java.util.List;

/**
 * The catalogue of torture cases: every freeing scheme x every structure under churn, a stalled reader and
 * allocator exhaustion, plus the fault injections, ArcSwap and the realtime collector.
 */
final class TortureCases {

    /** Operations per worker in a churn case (sanitizer mode costs ~1-5 µs per allocate/free). */
    static final int CHURN_OPS = 100_000;
    /** Operations per worker with a stalled reader (EBR keeps all of it pending). */
    static final int STALL_OPS = 30_000;

    private TortureCases() {
    }

    /**
     * Every case, in the order one round runs them.
     *
     * @return the cases
     */
    /** Loads per ArcSwap reader thread per round. */
    static final long ARCSWAP_OPS = 200_000;
    /** Replacements and handles per realtime-collector writer per round. */
    static final long REALTIME_WRITES = 100_000;
    /** Tasks per virtual-thread burst (each sleeps 1-3 ms inside its guard). */
    static final int BURST_TASKS = 2_000;

    static List<TortureCase> all() {
        List<TortureCase> cases = new ArrayList<>();
        for (LongContainer.Kind kind : LongContainer.KINDS) {
            for (Scheme scheme : Reclaimers.freeing()) {
                cases.add(new ChurnCase(scheme, kind, CHURN_OPS, false));
            }
        }
        for (LongMap.Kind kind : LongMap.KINDS) {
            for (Scheme scheme : Reclaimers.freeing()) {
                cases.add(new MapChurnCase(scheme, kind, CHURN_OPS, kind.keys(), false));
            }
        }
        for (Scheme scheme : Reclaimers.freeing()) {
            cases.add(new BytesMapChurnCase(scheme, CHURN_OPS, 4_096));
        }
        for (LongContainer.Kind kind : LongContainer.KINDS) {
            for (Scheme scheme : Reclaimers.freeing()) {
                cases.add(new ChurnCase(scheme, kind, STALL_OPS, true));
            }
        }
        for (LongMap.Kind kind : LongMap.ALL_KINDS) {
            for (Scheme scheme : Reclaimers.freeing()) {
                cases.add(new MapChurnCase(scheme, kind, STALL_OPS, kind.keys(), true));
            }
        }
        for (Scheme scheme : Reclaimers.freeing()) {
            cases.add(new ThreadDeathCase(scheme));
            cases.add(new ThrowingDeleterCase(scheme));
            cases.add(new InterruptCase(scheme));
            for (LongContainer.Kind kind : LongContainer.KINDS) {
                cases.add(new ExhaustionCase(scheme, kind));
            }
            for (LongMap.Kind kind : LongMap.ALL_KINDS) {
                cases.add(new MapExhaustionCase(scheme, kind));
            }
        }
        for (Scheme scheme : Reclaimers.freeing()) {
            cases.add(new VThreadBurstCase(scheme, BURST_TASKS, false));
        }
        cases.add(new SyncInterruptCase());
        cases.add(new ArcSwapChurnCase(ARCSWAP_OPS));
        cases.add(new RealtimeCase(REALTIME_WRITES, false));
        return cases;
    }
}
