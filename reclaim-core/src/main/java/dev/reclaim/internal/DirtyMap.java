package dev.reclaim.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One bit per guard slot, set while the slot holds local garbage (a partial epoch bag, a non-empty retired
 * list), so that a sweep visits only those slots instead of the whole table. Chunks of {@link #CHUNK_SLOTS}
 * bits are allocated as the table grows and never replaced: a slot keeps a direct reference to its chunk, so
 * setting its bit never races with a copy of the map (a table that grows or shrinks keeps every chunk).
 *
 * <p>Writers: a slot's owner sets its bit (atomic OR, only when clear); a sweeper holding the slot clears it
 * (atomic AND). Other bits of the same word belong to other slots, hence the read-modify-writes. Readers (the
 * sweep) read words opaquely: a bit seen late is found by the next sweep.
 */
final class DirtyMap {
    /** Slots per chunk: 64 words of 64 bits. */
    static final int CHUNK_SLOTS = 4096;
    private static final int CHUNK_SHIFT = 12;
    private static final int MAX_CHUNKS = 1 << 15;

    /** Chunks by slot index / CHUNK_SLOTS; written under the table lock, read racily by sweeps. */
    private final long[][] chunks = new long[MAX_CHUNKS][];

    /**
     * Gives slot {@code s} its chunk, word and bit. Called under the table lock before the slot is published.
     *
     * @param s the slot
     */
    void attach(GuardSlot s) {
        int index = s.index;
        int c = index >>> CHUNK_SHIFT;
        if (c >= MAX_CHUNKS) {
            throw new IllegalStateException("guard table cannot grow past " + ((long) MAX_CHUNKS * CHUNK_SLOTS)
                    + " slots: close guards sooner (more guards are open at once than the table can track)");
        }
        long[] words = chunks[c];
        if (words == null) {
            words = new long[CHUNK_SLOTS / 64];
            chunks[c] = words; // plain: published with the slots by the table's volatile store
        }
        s.dirtyWords = words;
        s.dirtyWord = (index & (CHUNK_SLOTS - 1)) >>> 6;
        s.dirtyBit = 1L << (index & 63);
    }

    /**
     * The dirty word holding bits {@code wordIndex * 64 .. +63} of the table, 0 when no chunk exists.
     *
     * @param wordIndex slot index / 64
     * @return the word (opaque read)
     */
    long word(int wordIndex) {
        long[] words = chunks[wordIndex >>> (CHUNK_SHIFT - 6)]; // plain: chunks are published with their slots
        return words == null ? 0 : wordOpaque(words, wordIndex & (CHUNK_SLOTS / 64 - 1));
    }

    static long wordOpaque(long[] words, int i) {
        return (long) WORDS.getOpaque(words, i); // opaque: a hint; pairs with setBits/clearBits (atomic RMWs)
    }

    static void setBits(long[] words, int i, long bits) {
        WORDS.getAndBitwiseOr(words, i, bits); // volatile RMW: other slots' bits share the word; read by sweeps
    }

    static void clearBits(long[] words, int i, long bits) {
        WORDS.getAndBitwiseAnd(words, i, ~bits); // volatile RMW: as in setBits; the caller holds the slot
    }

    // VarHandle mechanics
    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);
}
