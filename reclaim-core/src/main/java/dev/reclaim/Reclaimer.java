package dev.reclaim;

import java.time.Duration;
import java.util.Objects;

/**
 * Safe memory reclamation: decides when something that concurrent readers may still reach can be released.
 *
 * <p>Readers {@linkplain #enter() enter} a {@link Guard} and {@linkplain Guard#protect(int, long) protect} the
 * pointers they load; writers unlink a node and {@linkplain Guard#retire(long, Deleter) retire} it with a
 * {@link Deleter}; the reclaimer runs the deleter once no guard that could have seen the node is still open.
 * Every scheme ({@link Scheme}) implements this same contract, so data structures do not care which one they
 * are given.
 *
 * <h2>Guarantees common to every scheme</h2>
 * <ul>
 *   <li>Each deleter runs exactly once, never while a guard that could have seen its pointer is open.</li>
 *   <li>{@link #synchronize()} returns only when everything retired before the call has been reclaimed;
 *       calling it once is always enough.</li>
 *   <li>{@link #close()} waits for open guards, then runs every pending deleter: nothing is silently
 *       dropped. (The {@link Scheme#LEAK} baseline is the documented exception: it never frees.)</li>
 *   <li>A deleter that throws is reported to the reclaimer's failure handler; the others still run.</li>
 *   <li>Guards are not tied to OS threads (virtual threads and hand-over work), and per-thread state, if a
 *       scheme has any, does not outlive its thread or lose its garbage when the thread dies.</li>
 * </ul>
 *
 * <h2>Misuse</h2>
 * Using a closed reclaimer or guard throws {@link IllegalStateException} whose message says what was closed
 * and what to do instead; bad arguments throw {@link IllegalArgumentException} or
 * {@link NullPointerException} with the same kind of message.
 */
public interface Reclaimer extends AutoCloseable {

    /**
     * Opens a read-side critical section. Allocates nothing on the Java heap in steady state.
     *
     * @return an open guard; close it (try-with-resources) when done
     * @throws IllegalStateException if the reclaimer is closed
     */
    Guard enter();

    /**
     * Opens a guard, as {@link #enter()}, for a caller whose first step is {@code g.protect(index, address)}:
     * a scheme that publishes protections may publish the pointer {@code address} holds with the same atomic
     * operation that opens the guard, so that this protect then costs a load. Under hazard pointers that saves
     * a full fence per operation (a Treiber stack's pop protects its head first); the other schemes open a
     * plain guard. The guard behaves exactly like one from {@code enter()}: the hint is a pointer protected
     * ahead of time, never a promise, and {@code protect} validates it as it validates any pointer.
     *
     * <pre>{@code
     * try (Guard g = reclaimer.enterProtecting(0, headAddress)) {
     *     long h = g.protect(0, headAddress); // a load, when nothing changed since the enter
     *     ...
     * }
     * }</pre>
     *
     * @param index   the protection index the caller will protect {@code address}'s pointer with,
     *                0 to {@link Guard#PROTECT_SLOTS} - 1
     * @param address the off-heap word the caller will protect (8-byte aligned, as for {@code protect})
     * @return an open guard; close it (try-with-resources) when done
     * @throws IndexOutOfBoundsException if {@code index} is out of range
     * @throws IllegalStateException     if the reclaimer is closed
     */
    default Guard enterProtecting(int index, long address) {
        Objects.checkIndex(index, Guard.PROTECT_SLOTS);
        return enter();
    }

    /**
     * Retires {@code pointer} from outside a guard: shorthand for entering a guard, retiring, and closing it.
     *
     * @param pointer the pointer to release; non-zero
     * @param deleter what releases it
     * @throws IllegalArgumentException if {@code pointer} is 0
     * @throws NullPointerException     if {@code deleter} is null
     * @throws IllegalStateException    if the reclaimer is closed
     */
    default void retire(long pointer, Deleter deleter) {
        Guard g;
        try {
            g = enter();
        } catch (IllegalStateException e) {
            if (isClosed()) { // name the call that was made, not the enter() inside it
                throw new IllegalStateException("reclaimer '" + name() + "' is closed; retire() must be called"
                        + " before close(): retire what you unlink while the reclaimer is open, and close it last", e);
            }
            throw e;
        }
        try (g) {
            g.retire(pointer, deleter);
        }
    }

    /**
     * Pushes garbage buffered by this thread (or this thread's guards) to where every thread can reclaim it,
     * and reclaims what is already safe, without waiting for readers. One call is enough; it is never needed
     * for correctness, only to bound latency.
     *
     * @throws IllegalStateException if the reclaimer is closed
     */
    void flush();

    /**
     * Waits until everything retired before this call (by any thread) has been reclaimed.
     *
     * <p>The wait is not interruptible: ending it early would break the guarantee above, so an interrupt does
     * not end it, and the thread's interrupt status is still set when the call returns (checked by the
     * {@code interrupts} case of {@code ./reclaim torture}). Use {@link #synchronize(Duration)} to bound it.
     *
     * @throws IllegalStateException if the reclaimer is closed, or if the calling thread holds an open guard
     *                               of this reclaimer (it would wait for itself forever)
     */
    void synchronize();

    /**
     * Like {@link #synchronize()}, but gives up after {@code timeout}. Not interruptible either; the interrupt
     * status is kept.
     *
     * @param timeout how long to wait at most
     * @return {@code true} if everything retired before the call was reclaimed, {@code false} on timeout
     * @throws IllegalStateException if the reclaimer is closed or the calling thread holds an open guard
     */
    boolean synchronize(Duration timeout);

    /**
     * A snapshot of the reclaimer's counters. Safe to call from any thread at any time, also after close;
     * not meant for hot paths (it scans per-thread state and allocates the result).
     *
     * @return the statistics
     */
    ReclaimerStats stats();

    /**
     * The scheme this reclaimer implements.
     *
     * @return the scheme
     */
    Scheme scheme();

    /**
     * A name for messages, statistics and JFR events.
     *
     * @return the name given at construction, or a generated one
     */
    String name();

    /**
     * Whether {@link #close()} has been called.
     *
     * @return {@code true} once closing has started
     */
    boolean isClosed();

    /**
     * Closes the reclaimer: new {@link #enter()} calls fail, open guards are waited for (up to the reclaimer's
     * close timeout), and then every pending deleter runs on the calling thread.
     *
     * @throws IllegalStateException if guards are still open when the timeout expires (the message names each
     *                               holder thread and its stack; the reclaimer stays closing and
     *                               {@code close()} may be called again), or if it is already closed
     */
    @Override
    void close();
}
