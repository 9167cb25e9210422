package dev.reclaim.bench.suite;

import dev.reclaim.Scheme;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The registry of {@link Workload}s: the one list a new workload is added to. */
public final class Workloads {

    /** Every workload, in report order. Add new workloads here. */
    public static final List<Workload> ALL = List.of(
            new BirdCageWorkload(),
            new TreiberWorkload(),
            new MsQueueWorkload(),
            SetBenchWorkload.list(),
            SetBenchWorkload.hashmap(),
            SetBenchWorkload.openmap(),
            new AllocWorkload(),
            new ArcSwapWorkload(),
            new VThreadsWorkload());

    private Workloads() {
    }

    /**
     * Finds a workload by id.
     *
     * @param id a workload id (case-insensitive)
     * @return the workload
     * @throws IllegalArgumentException if there is none (the message lists the valid ids)
     */
    public static Workload byId(String id) {
        String wanted = id.trim().toLowerCase(Locale.ROOT);
        for (Workload w : ALL) {
            if (w.id().equals(wanted)) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown workload '" + id + "'; valid ids are " + ids());
    }

    /**
     * The ids of all workloads.
     *
     * @return the ids in report order
     */
    public static List<String> ids() {
        return ALL.stream().map(Workload::id).toList();
    }

    /**
     * The reclamation scheme ids (every {@link Scheme}), in declaration order.
     *
     * @return the ids
     */
    public static List<String> schemeIds() {
        return Arrays.stream(Scheme.values()).map(Scheme::id).toList();
    }

    /**
     * Whether {@code id} names a reclamation scheme (rather than a baseline).
     *
     * @param id a scheme or baseline id
     * @return {@code true} for a {@link Scheme} id
     */
    public static boolean isScheme(String id) {
        return schemeIds().contains(id);
    }

    /**
     * Every scheme and baseline id {@code w} can run: its schemes ({@link Workload#schemeIds()}) first, then its
     * baselines.
     *
     * @param w a workload
     * @return the ids
     */
    public static List<String> schemesOf(Workload w) {
        List<String> all = new ArrayList<>(w.schemeIds());
        all.addAll(w.baselines());
        return all;
    }
}
