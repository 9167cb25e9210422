package dev.reclaim.examples.birdcage;

import dev.reclaim.Deleter;
import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.SlabAllocator;

import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * The BirdCage of the crossbeam-epoch tutorial, off-heap: a cage of slots, each holding a pointer to a live
 * "canary", that readers look at while writers keep swapping canaries out and retiring the old ones.
 *
 * <p>A reader {@linkplain #access(int) accesses} a slot inside a guard and checks that the canary it finds is
 * alive; a writer {@linkplain #replace(int, long) replaces} a slot's canary with a fresh one and retires the
 * old one, whose deleter kills it (overwrites its magic word) and frees it. If the reclaimer ever ran a
 * deleter while a reader could still reach the canary, the reader would see a dead (or recycled, torn)
 * canary; in sanitizer mode it would get a {@code UseAfterFreeException} instead. A correct reclaimer keeps
 * {@link #deadReads()} at 0 and, once closed, has freed exactly as many canaries as were allocated.
 *
 * <h2>Layout</h2>
 * <pre>
 *   slot array (one allocator block, slots * 8 bytes)     canary (one allocator block, CANARY_BYTES)
 *   +---------+---------+-----+-----------+               +----+-------+---------+---------+---------+---------+-------+
 *   | slot 0  | slot 1  | ... | slot N-1  |  --pointer--&gt; | id | magic | pay[0]  | pay[1]  | pay[2]  | pay[3]  | birth |
 *   +---------+---------+-----+-----------+               +----+-------+---------+---------+---------+---------+-------+
 *                                                          0    8       16        24        32        40        48   56
 * </pre>
 * {@code birth} is the {@link Guard#birthEra()} stamped by {@link #replace(int, long)} just before the canary is
 * published (0 for the initial canaries: unknown, which is always safe), and passed back when the canary is
 * retired, so that the interval-based {@code robust} scheme keeps the garbage bounded under a stalled reader.
 * {@code magic} is {@link #ALIVE} while the canary is reachable or protected and {@link #DEAD} once its
 * deleter ran; {@code pay[k]} is a function of {@code id}, so a canary whose block was recycled under a
 * reader shows up as torn even when the new owner wrote {@code ALIVE}.
 *
 * <h2>Threads</h2>
 * {@link #access}, {@link #replace} and {@link #newCanary()} may be called by any number of threads at once.
 * {@link #close()} must be called once, after every such call has returned.
 */
public final class BirdCage implements AutoCloseable {

    /** Size of one canary block in bytes. */
    public static final int CANARY_BYTES = 56;
    /** The magic word of a live canary. */
    public static final long ALIVE = 0xC0FFEE_CA_7A_21L;
    /** The magic word a deleter writes into a canary just before freeing it. */
    public static final long DEAD = 0xDEAD_DEAD_DEAD_DEADL;

    private static final long ID_OFFSET = 0;
    private static final long MAGIC_OFFSET = 8;
    private static final long PAYLOAD_OFFSET = 16;
    private static final int PAYLOAD_WORDS = 4;
    private static final long BIRTH_OFFSET = PAYLOAD_OFFSET + PAYLOAD_WORDS * Long.BYTES;
    private static final long PAYLOAD_SALT = 0x9E37_79B9_7F4A_7C15L;

    private final Reclaimer reclaimer;
    private final SlabAllocator allocator;
    private final int slots;
    private final long slotArray;
    private final Deleter canaryDeleter = new CanaryDeleter();
    private final LongAdder allocated = new LongAdder();
    private final LongAdder freed = new LongAdder();
    private final LongAdder deadReads = new LongAdder();
    private boolean closed; // plain: close() is single-threaded by contract

    /**
     * Creates a cage whose slots each hold a fresh canary.
     *
     * @param reclaimer the reclaimer that protects readers and retires replaced canaries (not owned: the
     *                  caller closes it, after closing the cage)
     * @param allocator where the slot array and the canaries come from (not owned)
     * @param slots     the number of slots, at least 1
     * @throws IllegalArgumentException if {@code slots < 1}
     */
    public BirdCage(Reclaimer reclaimer, SlabAllocator allocator, int slots) {
        this.reclaimer = Objects.requireNonNull(reclaimer, "reclaimer must not be null; pass e.g. Scheme.EBR.create()");
        this.allocator = Objects.requireNonNull(allocator, "allocator must not be null; pass e.g. SlabAllocator.create()");
        if (slots < 1) {
            throw new IllegalArgumentException("a bird cage needs at least 1 slot, got " + slots);
        }
        this.slots = slots;
        this.slotArray = allocator.allocateZeroed((long) slots * Long.BYTES);
        for (int i = 0; i < slots; i++) {
            // release: pairs with the acquire load in access() (guard.protect); publishes the canary's fields
            Memory.putLongRelease(slotAddress(i), newCanary());
        }
    }

    /**
     * The number of slots.
     *
     * @return the slot count given at construction
     */
    public int slots() {
        return slots;
    }

    /**
     * Reads the canary in slot {@code slot} inside a guard and checks that it is alive and intact. A dead or
     * torn canary is counted in {@link #deadReads()} (it means the reclaimer freed it too early).
     *
     * @param slot the slot index, {@code 0 <= slot < slots()}
     * @return the canary's id (consume it so that the read is not optimised away)
     * @throws IndexOutOfBoundsException if {@code slot} is out of range
     */
    public long access(int slot) {
        long address = slotAddress(slot);
        try (Guard g = reclaimer.enter()) {
            long canary = g.protect(0, address); // acquire: pairs with the getAndSet in replace() / release in the constructor
            return check(canary);
        }
    }

    /**
     * Allocates and initialises a fresh live canary (not yet in the cage), counting it as allocated.
     *
     * @return the canary's address
     */
    public long newCanary() {
        long canary = allocator.allocate(CANARY_BYTES);
        long id = ThreadLocalRandom.current().nextLong();
        // plain writes: the canary is private until published by the release/getAndSet that stores it
        Memory.putLong(canary + ID_OFFSET, id);
        Memory.putLong(canary + MAGIC_OFFSET, ALIVE);
        Memory.putLong(canary + BIRTH_OFFSET, 0); // unknown until replace() stamps it
        for (int k = 0; k < PAYLOAD_WORDS; k++) {
            Memory.putLong(canary + PAYLOAD_OFFSET + (long) k * Long.BYTES, payload(id, k));
        }
        allocated.increment();
        return canary;
    }

    /**
     * Puts {@code canary} into slot {@code slot} and retires the canary it replaces; the old canary's deleter
     * kills and frees it once no reader can reach it.
     *
     * @param slot   the slot index, {@code 0 <= slot < slots()}
     * @param canary a canary from {@link #newCanary()} that is not in the cage
     * @throws IndexOutOfBoundsException if {@code slot} is out of range
     */
    public void replace(int slot, long canary) {
        long address = slotAddress(slot);
        try (Guard g = reclaimer.enter()) {
            Memory.putLong(canary + BIRTH_OFFSET, g.birthEra()); // plain: published by the getAndSet below
            // volatile getAndSet: publishes the new canary's plain-written fields; pairs with the acquire in access()
            long old = Memory.getAndSetLong(address, canary);
            if (old != 0) {
                g.retire(old, Memory.getLong(old + BIRTH_OFFSET), canaryDeleter); // plain: we unlinked old
            }
        }
    }

    /**
     * Replaces the canary in slot {@code slot} with a {@linkplain #newCanary() fresh} one.
     *
     * @param slot the slot index, {@code 0 <= slot < slots()}
     * @throws IndexOutOfBoundsException if {@code slot} is out of range
     */
    public void replace(int slot) {
        replace(slot, newCanary());
    }

    /**
     * Canaries allocated so far (the initial ones included).
     *
     * @return the count
     */
    public long allocated() {
        return allocated.sum();
    }

    /**
     * Canaries whose deleter has run (killed and freed).
     *
     * @return the count
     */
    public long freed() {
        return freed.sum();
    }

    /**
     * Canaries allocated but not freed yet: those in the cage plus those retired and pending.
     *
     * @return {@code allocated() - freed()}, read without stopping the world
     */
    public long pending() {
        return allocated() - freed();
    }

    /**
     * Accesses that found a dead or torn canary: always 0 with a correct reclaimer.
     *
     * @return the count
     */
    public long deadReads() {
        return deadReads.sum();
    }

    /**
     * Empties the cage: retires every canary still in it (it is freed when the reclaimer reclaims it, at the
     * latest when the reclaimer closes) and frees the slot array. Call it once, after every {@code access}
     * and {@code replace} has returned, and before closing the reclaimer.
     *
     * @throws IllegalStateException if the cage is already closed
     */
    @Override
    public void close() {
        if (closed) {
            throw new IllegalStateException("bird cage already closed; close it exactly once");
        }
        closed = true;
        try (Guard g = reclaimer.enter()) {
            for (int i = 0; i < slots; i++) {
                long old = Memory.getAndSetLong(slotArray + (long) i * Long.BYTES, 0); // volatile: pairs with the acquire in access()
                if (old != 0) {
                    g.retire(old, Memory.getLong(old + BIRTH_OFFSET), canaryDeleter); // plain: we unlinked old
                }
            }
        }
        allocator.free(slotArray);
    }

    private long slotAddress(int slot) {
        if (closed) {
            throw new IllegalStateException("bird cage is closed; access and replace only before close()");
        }
        return slotArray + (long) Objects.checkIndex(slot, slots) * Long.BYTES;
    }

    /** For tests: the canary currently in {@code slot} (an acquire load outside any guard). */
    long canaryAt(int slot) {
        return Memory.getLongAcquire(slotAddress(slot)); // acquire: pairs with the getAndSet in replace()
    }

    /** Checks one canary, counting it in {@link #deadReads()} if dead or torn; package-private for tests. */
    long check(long canary) {
        // plain reads: the canary is protected by the open guard, nobody writes it until its deleter runs
        long id = Memory.getLong(canary + ID_OFFSET);
        boolean ok = Memory.getLong(canary + MAGIC_OFFSET) == ALIVE;
        for (int k = 0; ok && k < PAYLOAD_WORDS; k++) {
            ok = Memory.getLong(canary + PAYLOAD_OFFSET + (long) k * Long.BYTES) == payload(id, k);
        }
        if (!ok) {
            deadReads.increment();
        }
        return id;
    }

    private static long payload(long id, int k) {
        return Long.rotateLeft(id ^ PAYLOAD_SALT * (k + 1), 7 * (k + 1));
    }

    @Override
    public String toString() {
        return "BirdCage[" + slots + " slots, allocated " + allocated() + ", freed " + freed() + ", dead reads "
                + deadReads() + (closed ? ", closed]" : "]");
    }

    /** Kills a canary (overwrites its magic) and frees its block; counts it. */
    private final class CanaryDeleter implements Deleter {
        @Override
        public void delete(long canary) {
            Memory.putLong(canary + MAGIC_OFFSET, DEAD); // plain: no reader can reach the canary any more
            allocator.free(canary);
            freed.increment();
        }

        @Override
        public long sizeOf(long canary) {
            return CANARY_BYTES;
        }
    }
}
