package dev.reclaim.internal;

/**
 * A deferred action waiting for its grace period: the generations of the slots that were open at the time of
 * {@link dev.reclaim.Guard#defer(Runnable)}. A slot's generation changes when its guard closes (or, for the
 * list-based schemes, repins, which declares it holds nothing from before), so once every recorded
 * generation has changed, every guard open at the call has ended.
 *
 * <p>Why the snapshot cannot miss a reader: the snapshot reads each slot's state (volatile) and, when open,
 * its generation. A guard that claims its slot after that state read in the SC order loads after its claim
 * CAS (a full fence), hence after whatever the caller unlinked before defer. A guard whose claim the read saw
 * reads a generation at least its own (the previous closer's release store of the generation precedes its
 * release of FREE, which the claim CAS acquired, and the state read synchronizes with the claim), and its
 * generation changes only when it ends.
 */
final class Deferred implements Runnable {
    private final Runnable action;
    /** The table at defer time (never mutated: tables are copy-on-write), so the slots checked are the same objects. */
    private final GuardSlot[] table;
    /** {@code generations[i]} = generation of {@code table[i]} at defer time if it was open, else -1. Immutable. */
    private final long[] generations;

    private Deferred(Runnable action, GuardSlot[] table, long[] generations) {
        this.action = action;
        this.table = table;
        this.generations = generations;
    }

    /**
     * Snapshots the guards open now.
     *
     * @param action what to run after they all ended
     * @param table  the current slot table
     * @return the deferred action
     */
    static Deferred of(Runnable action, GuardSlot[] table) {
        long[] generations = new long[table.length];
        for (int i = 0; i < table.length; i++) {
            GuardSlot s = table[i];
            // volatile state read (SC with every guard's claim CAS), then the generation (see the class notes)
            generations[i] = GuardSlot.isOpen(s.stateVolatile()) ? s.generationVolatile() : -1;
        }
        return new Deferred(action, table, generations);
    }

    /**
     * Whether every guard open at defer time has ended. Checks the slot objects of the defer-time table: a
     * slot a shrink cut off since was FREE when it was cut, so its guard had ended and its generation changed.
     */
    boolean ready() {
        for (int i = 0; i < generations.length; i++) {
            long g = generations[i];
            if (g != -1 && table[i].generationVolatile() == g) { // volatile: pairs with the owner's generation stores
                return false;
            }
        }
        return true;
    }

    @Override
    public void run() {
        action.run();
    }

    @Override
    public String toString() {
        return String.valueOf(action);
    }
}
