package dev.reclaim;

import java.util.concurrent.atomic.AtomicReference;

/**
 * A read-side critical section of a {@link Reclaimer}: while a guard is open, every pointer it
 * {@linkplain #protect(int, long) protected} stays valid.
 *
 * <p>Use it with try-with-resources:
 * <pre>{@code
 * try (Guard g = reclaimer.enter()) {
 *     long node = g.protect(0, headAddress);      // load a pointer so that it stays valid
 *     ... read node ...
 *     g.retire(unlinked, allocator);              // free it once no reader can reach it
 * }
 * }</pre>
 *
 * <h2>What protect does per scheme</h2>
 * <ul>
 *   <li>epoch-based ({@link Scheme#EBR}): an acquire load; the whole guard holds back reclamation, so every
 *       pointer read while it is open is valid until it closes, and {@code index} is ignored.</li>
 *   <li>hazard pointers: load, publish the value in hazard slot {@code index}, re-load and repeat until the
 *       two loads agree; the pointer stays valid until that slot is reused, {@linkplain #unprotect(int)
 *       cleared} or the guard closes. Only {@link #PROTECT_SLOTS} pointers are protected at a time.</li>
 *   <li>interval/era-based robust schemes: like epochs, plus the era of each protected load is recorded so
 *       that a stalled reader holds back only what it could have seen.</li>
 *   <li>reference counting: load and take a count on the target, released on slot reuse or close.</li>
 * </ul>
 * Code that must run with every scheme therefore protects each pointer it dereferences, with an index it
 * does not reuse while the pointer is still in use (hand-over-hand traversals alternate indices), and
 * re-validates the links it followed (a protected node may already be unlinked).
 *
 * <h2>Pointers and tags</h2>
 * Pointers are {@code long} values, 0 being null. The low {@link #TAG_BITS} bits are tag bits (blocks from the
 * slab allocator are at least 16-byte aligned): {@code protect} returns the word as loaded, tag included, and
 * schemes that compare pointers ignore the tag.
 *
 * <h2>Threads</h2>
 * A guard is not tied to an OS thread: a virtual thread may unmount inside one and resume on another carrier,
 * and a guard may be handed to another thread (with a happens-before edge, as for any object), which may use
 * and close it. It must not be used by two threads at once.
 *
 * <h2>Lifetime</h2>
 * Guards are pooled so that {@link Reclaimer#enter()} allocates nothing: after {@link #close()} the object may
 * be handed out again by a later {@code enter()}. Using a closed guard throws {@link IllegalStateException}
 * as long as it has not been handed out again; do not keep references to closed guards.
 */
public interface Guard extends AutoCloseable {

    /** How many pointers every scheme can protect at once in one guard: indices {@code 0..PROTECT_SLOTS-1}. */
    int PROTECT_SLOTS = 4;

    /** Number of low tag bits in a pointer that schemes ignore when comparing pointers. */
    int TAG_BITS = 3;

    /** Mask of the tag bits: {@code pointer & ~TAG_MASK} is the address. */
    long TAG_MASK = (1L << TAG_BITS) - 1;

    /**
     * Loads the 64-bit word at off-heap {@code address} (a field holding a pointer) so that the pointer it
     * holds stays valid while protected.
     *
     * @param index   which protection slot to use, {@code 0 <= index < PROTECT_SLOTS}
     * @param address the off-heap address of an 8-byte aligned word holding a pointer (tag bits allowed)
     * @return the word loaded (the pointer with its tag bits), with acquire semantics
     * @throws IllegalStateException     if this guard is closed
     * @throws IndexOutOfBoundsException if {@code index} is not a valid slot
     */
    long protect(int index, long address);

    /**
     * Loads an on-heap reference so that the object stays valid (not yet deferred-destroyed) while this guard
     * is open; the reference-typed twin of {@link #protect(int, long)} for values such as RCU cells. Heap
     * objects are given up only through {@link #defer(Runnable)}, whose grace period waits for every guard open
     * at the call, so under every scheme the guard as a whole holds them back and this is an acquire load:
     * {@code index} is checked but publishes nothing, and {@link #unprotect(int)} does not release the object.
     *
     * @param index  which protection slot to use, {@code 0 <= index < PROTECT_SLOTS}
     * @param source the reference to load from
     * @param <T>    the type of the value
     * @return the value loaded, with acquire semantics
     * @throws IllegalStateException     if this guard is closed
     * @throws IndexOutOfBoundsException if {@code index} is not a valid slot
     */
    <T> T protect(int index, AtomicReference<T> source);

    /**
     * Drops the protection held in slot {@code index}; the pointer it protected may be reclaimed from now on.
     * A no-op for schemes that protect the whole guard (epochs).
     *
     * @param index which protection slot to clear
     * @throws IllegalStateException     if this guard is closed
     * @throws IndexOutOfBoundsException if {@code index} is not a valid slot
     */
    void unprotect(int index);

    /**
     * Declares that this reader holds no pointer obtained through this guard so far, so that it stops holding
     * back reclamation (a long-running reader calls it between items). For epochs it moves the guard to the
     * current epoch; for hazard pointers it clears every slot. Pointers loaded before the call must not be
     * dereferenced after it.
     *
     * @throws IllegalStateException if this guard is closed
     */
    void repin();

    /**
     * Retires {@code pointer}: {@code deleter.delete(pointer)} runs exactly once, after no guard that could
     * have seen the pointer is still open. The caller must already have made the pointer unreachable for new
     * readers (unlinked it).
     *
     * @param pointer the pointer to release; non-zero (tag bits allowed)
     * @param deleter what releases it
     * @throws IllegalArgumentException if {@code pointer} is 0
     * @throws NullPointerException     if {@code deleter} is null
     * @throws IllegalStateException    if this guard is closed
     */
    void retire(long pointer, Deleter deleter);

    /**
     * The era to stamp into a node allocated inside this guard, before the node is published. Interval-based
     * schemes (the {@code robust} scheme) compare a retired node's {@code [birth era, retire era]} with the
     * era interval each reader reserved, which is what bounds garbage when a reader stalls; a structure that
     * wants that bound keeps this value in a word of its node and passes it back to
     * {@link #retire(long, long, Deleter)}. Schemes that do not use eras (leak, EBR, hazard pointers)
     * return {@code 0} and ignore it, so storing it is always safe.
     *
     * @return the current birth era; {@code 0} for schemes without eras
     * @throws IllegalStateException if this guard is closed (schemes with eras only)
     */
    default long birthEra() {
        return 0L;
    }

    /**
     * Retires {@code pointer} like {@link #retire(long, Deleter)}, telling the scheme the era in which the
     * node was allocated (the value {@link #birthEra()} returned then). A scheme with eras can reclaim the
     * node while a reader that stalled before the node's birth is still open; other schemes ignore the era.
     * A too-small era is always safe (the node is just kept longer); a too-large one is a use-after-free.
     *
     * @param pointer  the pointer to release; non-zero (tag bits allowed)
     * @param birthEra the era {@link #birthEra()} returned before the node was published, or {@code 0} if
     *                 unknown
     * @param deleter  what releases it
     * @throws IllegalArgumentException if {@code pointer} is 0
     * @throws NullPointerException     if {@code deleter} is null
     * @throws IllegalStateException    if this guard is closed
     */
    default void retire(long pointer, long birthEra, Deleter deleter) {
        retire(pointer, deleter);
    }

    /**
     * Runs {@code action} once every guard that is open at the time of the call has closed (a grace period):
     * the general form of {@link #retire(long, Deleter)} for heap objects and resources.
     *
     * @param action what to run
     * @throws NullPointerException  if {@code action} is null
     * @throws IllegalStateException if this guard is closed
     */
    void defer(Runnable action);

    /**
     * Like {@link #defer(Runnable)}, for an action that frees {@code sizeBytes} bytes (a replaced table, a
     * buffer): until it runs, the bytes count in {@link ReclaimerStats#pendingBytes()} as a retired pointer's
     * {@link Deleter#sizeOf(long)} does. The default ignores the size; every scheme of this library counts it.
     *
     * @param action    what to run
     * @param sizeBytes the bytes the action releases, at least 0 (0 when unknown)
     * @throws NullPointerException     if {@code action} is null
     * @throws IllegalArgumentException if {@code sizeBytes} is negative
     * @throws IllegalStateException    if this guard is closed
     */
    default void defer(Runnable action, long sizeBytes) {
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("sizeBytes must be >= 0 (0 when unknown), got " + sizeBytes);
        }
        defer(action);
    }

    /**
     * The reclaimer this guard belongs to.
     *
     * @return the reclaimer
     */
    Reclaimer reclaimer();

    /**
     * Whether this guard is still open.
     *
     * @return {@code true} until {@link #close()} returns
     */
    boolean isOpen();

    /**
     * Leaves the critical section: pointers protected by this guard may be reclaimed from now on.
     *
     * @throws IllegalStateException if the guard is already closed
     */
    @Override
    void close();
}
