package dev.reclaim;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The reclamation schemes this library implements, with the ids the command line and benchmarks use.
 *
 * <table class="striped">
 *   <caption>Schemes</caption>
 *   <thead><tr><th>id</th><th>use it when</th><th>garbage bound</th></tr></thead>
 *   <tbody>
 *   <tr><td>{@code leak}</td><td>never in production: the no-reclamation baseline of benchmarks</td>
 *       <td>none: nothing is ever freed</td></tr>
 *   <tr><td>{@code ebr}</td><td>the default: fastest readers (one CAS to enter, one store to leave), when
 *       guards are short and no reader can stall indefinitely</td>
 *       <td>unbounded while a guard stalls; otherwise about slots &times; bag capacity plus two epochs of
 *       retirements</td></tr>
 *   <tr><td>{@code hp}</td><td>readers may stall inside a guard (I/O, preemption, debuggers) and garbage must
 *       stay bounded; each protected pointer costs a store and a full fence</td>
 *       <td>bounded even with a stalled reader: slots &times; (H + max(R0, 2H)) pointers, H = 4 &times; slots
 *       ({@link dev.reclaim.hazard.HazardReclaimer#garbageBound()})</td></tr>
 *   <tr><td>{@code robust} (alias {@code ibr})</td><td>readers may stall and garbage must stay bounded, at
 *       about epoch speed; structures stamp {@link Guard#birthEra()} into their nodes</td>
 *       <td>bounded with stalled readers for nodes retired with their birth era: slots &times; T +
 *       G &times; (2 &times; slots &times; R + L), G = guards open at once (a descheduled worker counts),
 *       L = the structure's most nodes meanwhile
 *       ({@link dev.reclaim.robust.RobustReclaimer#garbageBound(int, long)})</td></tr>
 *   </tbody>
 * </table>
 */
public enum Scheme {
    /** Never frees anything: the cost floor every benchmark compares against. */
    LEAK("leak", LeakReclaimer::new),
    /** Epoch-based reclamation ({@link dev.reclaim.epoch.EpochReclaimer}): the fast default. */
    EBR("ebr", dev.reclaim.epoch.EpochReclaimer::create),
    /** Hazard pointers ({@link dev.reclaim.hazard.HazardReclaimer}): bounded garbage when a reader stalls. */
    HP("hp", dev.reclaim.hazard.HazardReclaimer::create),
    /**
     * Interval-based reclamation, 2GE-IBR ({@link dev.reclaim.robust.RobustReclaimer}): epoch-speed reads and
     * bounded garbage when a reader stalls, for nodes retired with their birth era. Alias {@code ibr}.
     */
    ROBUST("robust", dev.reclaim.robust.RobustReclaimer::create, "ibr");

    private final String id;
    private final Supplier<Reclaimer> factory;
    private final String alias;

    Scheme(String id, Supplier<Reclaimer> factory) {
        this(id, factory, null);
    }

    Scheme(String id, Supplier<Reclaimer> factory, String alias) {
        this.id = id;
        this.factory = factory;
        this.alias = alias;
    }

    /**
     * The id used on the command line and in reports.
     *
     * @return the lower-case id, e.g. {@code "ebr"}
     */
    public String id() {
        return id;
    }

    /**
     * Creates a new reclaimer of this scheme with default settings (a per-structure instance, not a global
     * one). The caller owns it and must close it.
     *
     * @return a new reclaimer
     */
    public Reclaimer create() {
        return factory.get();
    }

    /**
     * Parses a scheme id or alias (case-insensitive): {@code "robust"} also answers to {@code "ibr"}.
     *
     * @param id a scheme id such as {@code "ebr"}, or an alias
     * @return the scheme
     * @throws IllegalArgumentException if no scheme has that id (the message lists the valid ids)
     */
    public static Scheme fromId(String id) {
        String wanted = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
        for (Scheme s : values()) {
            if (s.id.equals(wanted) || wanted.equals(s.alias)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown reclamation scheme '" + id + "'; valid ids are "
                + Arrays.stream(values()).map(Scheme::id).toList());
    }
}
