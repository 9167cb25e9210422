package dev.reclaim.internal;

import java.util.Arrays;

/**
 * The retired list of one {@link SlotBase}: retired pointers (with their deleter, size, sequence number, birth
 * era and retire era) and deferred actions (pointer 0, action a {@link Deferred}), in retire order, plus the
 * reusable buffers of a scan. Arrays are allocated at the first retire, grow by doubling and are never
 * shrunk, so a slot in steady state allocates nothing. Schemes without eras leave the era columns 0.
 *
 * <p>Owned by whoever owns the slot (the open guard's user, or a stealer holding it LOCKED); ownership moves
 * with the slot state's CAS/release, so every field is plain.
 */
final class RetiredList {
    long[] pointers = NO_LONGS;
    Object[] actions = NO_OBJECTS;
    long[] sizes = NO_LONGS;
    long[] seqs = NO_LONGS;
    long[] births = NO_LONGS;
    long[] eras = NO_LONGS;
    /** Entries in use. */
    int size;
    /** A scan runs when {@code size} reaches this (kept entries of the last scan + the threshold). */
    int scanAt;

    /** Entries a scan frees: pointer/action pairs, run after the list was compacted. */
    long[] freePointers = NO_LONGS;
    Object[] freeActions = NO_OBJECTS;

    /** Shared empty arrays: a slot that never retires (most of a table grown for a burst) costs no arrays. */
    private static final long[] NO_LONGS = new long[0];
    private static final Object[] NO_OBJECTS = new Object[0];

    /**
     * Makes room for one more entry. Called before the retire is counted, so that an
     * {@link OutOfMemoryError} while growing fails that retire alone: not counted, not added, the caller still
     * owns the pointer, and no synchronize() waits for an entry that never arrived.
     */
    void reserveOne() {
        reserve(1);
    }

    /**
     * Makes room for {@code extra} more entries at once (a move of a whole list into this one grows before the
     * first entry moves, so a failed growth moves nothing).
     *
     * @param extra entries about to be added
     */
    void reserve(int extra) {
        int need = size + extra;
        if (need > pointers.length) {
            grow(Math.max(need, Math.max(16, pointers.length * 2)));
        }
    }

    /** Appends an entry, growing the columns when they are full (a retire made room first: {@link #reserveOne()}). */
    void add(long pointer, Object action, long sizeBytes, long seq, long birth, long era) {
        reserveOne();
        int n = size;
        pointers[n] = pointer;
        actions[n] = action;
        sizes[n] = sizeBytes;
        seqs[n] = seq;
        births[n] = birth;
        eras[n] = era;
        size = n + 1;
    }

    /**
     * Grows every column, or none: an {@link OutOfMemoryError} part-way leaves the list as it was (columns of
     * one length), so the retire that needed the room fails alone and the next one tries again.
     */
    private void grow(int capacity) {
        GrowthFault.beforeAllocation();
        long[] p = Arrays.copyOf(pointers, capacity);
        GrowthFault.beforeAllocation();
        Object[] a = Arrays.copyOf(actions, capacity);
        long[] sz = Arrays.copyOf(sizes, capacity);
        long[] sq = Arrays.copyOf(seqs, capacity);
        long[] b = Arrays.copyOf(births, capacity);
        long[] e = Arrays.copyOf(eras, capacity);
        pointers = p;
        actions = a;
        sizes = sz;
        seqs = sq;
        births = b;
        eras = e;
    }

    /**
     * Moves every entry of {@code from} to the end of this list, keeping their sequence numbers (the caller
     * owns both lists). Into an empty list the columns are swapped (no copy, no allocation); otherwise this
     * list grows first, so an {@link OutOfMemoryError} leaves both lists as they were.
     *
     * @param from the list emptied
     */
    void takeAll(RetiredList from) {
        int n = from.size;
        if (n == 0) {
            return;
        }
        if (size == 0) {
            long[] p = pointers;
            Object[] a = actions;
            long[] sz = sizes;
            long[] sq = seqs;
            long[] b = births;
            long[] e = eras;
            pointers = from.pointers;
            actions = from.actions;
            sizes = from.sizes;
            seqs = from.seqs;
            births = from.births;
            eras = from.eras;
            from.pointers = p;
            from.actions = a;
            from.sizes = sz;
            from.seqs = sq;
            from.births = b;
            from.eras = e;
            size = n;
            from.size = 0;
            return;
        }
        reserve(n);
        int at = size;
        System.arraycopy(from.pointers, 0, pointers, at, n);
        System.arraycopy(from.actions, 0, actions, at, n);
        System.arraycopy(from.sizes, 0, sizes, at, n);
        System.arraycopy(from.seqs, 0, seqs, at, n);
        System.arraycopy(from.births, 0, births, at, n);
        System.arraycopy(from.eras, 0, eras, at, n);
        Arrays.fill(from.actions, 0, n, null);
        size = at + n;
        from.size = 0;
    }

    /** Makes room for a scan's freed entries; both buffers or neither, as in {@link #grow}. */
    void ensureFreeCapacity(int capacity) {
        if (freePointers.length < capacity) {
            int c = Math.max(capacity, 2 * freePointers.length);
            GrowthFault.beforeAllocation();
            long[] p = new long[c];
            GrowthFault.beforeAllocation();
            Object[] a = new Object[c];
            freePointers = p;
            freeActions = a;
        }
    }
}
