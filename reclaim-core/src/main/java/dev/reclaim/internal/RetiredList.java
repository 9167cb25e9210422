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

    void add(long pointer, Object action, long sizeBytes, long seq, long birth, long era) {
        int n = size;
        if (n == pointers.length) {
            grow(Math.max(16, n * 2));
        }
        pointers[n] = pointer;
        actions[n] = action;
        sizes[n] = sizeBytes;
        seqs[n] = seq;
        births[n] = birth;
        eras[n] = era;
        size = n + 1;
    }

    private void grow(int capacity) {
        pointers = Arrays.copyOf(pointers, capacity);
        actions = Arrays.copyOf(actions, capacity);
        sizes = Arrays.copyOf(sizes, capacity);
        seqs = Arrays.copyOf(seqs, capacity);
        births = Arrays.copyOf(births, capacity);
        eras = Arrays.copyOf(eras, capacity);
    }

    void ensureFreeCapacity(int capacity) {
        if (freePointers.length < capacity) {
            int c = Math.max(capacity, 2 * freePointers.length);
            freePointers = new long[c];
            freeActions = new Object[c];
        }
    }
}
