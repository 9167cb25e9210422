package dev.reclaim.internal;

/**
 * A deferred action waiting for its grace period: the open states of the slots at the time of
 * {@link dev.reclaim.Guard#defer(Runnable)}. Slot states carry a generation that grows on every enter and
 * repin, so once a slot's state differs from the snapshot, the guard that was open then has closed (or
 * repinned, which declares it holds nothing from before).
 */
final class Deferred {
    final Runnable action;
    /** {@code openStates[i]} = state of slot i at defer time if it was open, else 0. Immutable after creation. */
    private final long[] openStates;

    Deferred(Runnable action, long[] openStates) {
        this.action = action;
        this.openStates = openStates;
    }

    /** Whether every guard open at defer time has closed (slots never leave the table; indices are stable). */
    boolean ready(SlotBase[] table) {
        if (openStates.length > table.length) {
            return false; // a stale table (cannot happen with the ownership edges; conservative anyway)
        }
        for (int i = 0; i < openStates.length; i++) {
            long v = openStates[i];
            if (v != 0 && table[i].stateVolatile() == v) { // volatile: pairs with the release/CAS changing it
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return String.valueOf(action);
    }
}
