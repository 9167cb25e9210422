package dev.reclaim.arc;

import dev.reclaim.internal.AsymmetricFence;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Counts held back for lane debts: when a writer removes a block from an {@link ArcSwap} while lanes are in use,
 * it adds one count (a "hold") to the block and pushes it here; {@link #reclaim()} drops each hold once no lane
 * slot holds a debt on its block. A reader that closes a lane guard runs {@code reclaim()} when its block is in this
 * list (a reader of another value, while some guard holds an old one back, pays one volatile read), so a removed value is released as soon as its last reader is done, as with the pool's paid debts.
 *
 * <p>Lock-free: an intrusive Treiber stack (push: CAS; take: getAndSet(null) of the whole list, no ABA); any
 * number of threads may reclaim at once, each over the entries it took.
 */
final class PendingReleases {

    /*
     * Implementation notes
     * ====================
     * A reader R's lane debt on x is: L2 slot = x (opaque), light(), L3 current == x (volatile). Its close is
     * C1 slot = null (release), light(), C2 "is x in the list?" (volatile head read, then the chain). A writer W: CAS current x -> y (a), hold
     * x, push (CAS head), then reclaim(): take the list, heavy(), scan every lane (acquire reads).
     *
     * Safety (a hold is dropped only when no reader uses x): the barrier heavy() forces on R's CPU falls after
     * L2 (then the scan sees x, unless C1 also happened, and R's reads of x precede its release C1), or before
     * L2, and then L3, later in R's program, sees (a): R finds current != x, clears its slot and never reads x.
     * (With ABA, x stored again, L3 == x is covered by the later store's own count, whose remover holds again.)
     *
     * Liveness (no hold is forgotten while its readers leave): a reclaimer that finds holders pushes the held
     * entries back, runs heavy() again and rescans them. If the rescan still sees R on x, the second barrier
     * fell on R's CPU before C1, so R's C2 (after C1) finds x in the pushed-back chain and R reclaims; if the
     * rescan sees some holder gone, the reclaimer takes the list again. A C2 that misses x because a reclaimer
     * has taken it is covered by that reclaimer: its rescan, after its push-back and second heavy(), either
     * sees C1 (and it retakes the list) or proves that C2 comes after the push-back. A C2 that finds x in a
     * list another thread takes first is covered by that thread: its take, heavy() and scan come after C1.
     */

    /** One held count. Nodes are reused when pushed back, so a reader's reclaim allocates nothing. */
    static final class Hold {
        final Counted<?> counted;
        Hold next;

        Hold(Counted<?> counted) {
            this.counted = counted;
        }
    }

    private static volatile Hold head;

    /**
     * Test seam: runs in reclaim() after a scan that found holders, before they are pushed back (the window in
     * which a holder's close cannot see its block in the list). Plain static: tests set it while single-threaded.
     */
    static Runnable afterScanHook;

    private PendingReleases() {
    }

    /**
     * Whether a hold on {@code c} may be pending: the closing reader's check C2, one volatile read when nothing
     * is pending. A walk longer than a few nodes (many pending holds, or a chain being relinked by a reclaimer)
     * answers true: reclaiming is always safe, only slower.
     */
    static boolean mayHold(Counted<?> c) {
        Hold h = (Hold) HEAD.getVolatile(); // volatile: C2; after the closer's light() (see notes)
        for (int i = 0; h != null; h = h.next, i++) {
            if (h.counted == c || i == 16) {
                return true;
            }
        }
        return false;
    }

    /**
     * Holds one extra count on {@code removed} (the caller owns a count) until no lane debt is on it. Call
     * {@link #reclaim()} afterwards.
     */
    static void hold(Counted<?> removed) {
        removed.increment();
        Hold h = new Hold(removed);
        push(h, h);
    }

    /**
     * Drops every hold no lane uses any more (see the notes for the two-barrier round).
     *
     * @throws ArcReleaseException when a releaser ran here and threw (every other hold is still processed)
     */
    static void reclaim() {
        RuntimeException failure = null;
        for (;;) {
            Hold list = takeAll();
            if (list == null) {
                break;
            }
            AsymmetricFence.heavy(); // pairs with light() in the readers' load and close
            Hold keptHead = null;
            Hold keptTail = null;
            int kept = 0;
            for (Hold h = list, next; h != null; h = next) {
                next = h.next;
                if (DebtLane.held(h.counted)) {
                    h.next = keptHead;
                    keptHead = h;
                    if (keptTail == null) {
                        keptTail = h;
                    }
                    kept++;
                } else {
                    failure = drop(h.counted, failure);
                }
            }
            if (keptHead == null) {
                break;
            }
            Runnable hook = afterScanHook;
            if (hook != null) {
                hook.run();
            }
            // the pushed nodes belong to the list again (another reclaimer may relink them): remember the blocks
            Counted<?>[] held = new Counted<?>[kept];
            int i = 0;
            for (Hold h = keptHead; i < kept; h = h.next) {
                held[i++] = h.counted;
            }
            push(keptHead, keptTail);
            AsymmetricFence.heavy(); // second barrier: a holder that closes after it sees the pushed-back head
            boolean someLeft = false;
            for (Counted<?> c : held) {
                if (!DebtLane.held(c)) {
                    someLeft = true;
                    break;
                }
            }
            if (!someLeft) {
                break; // every holder will see a non-null head when it closes
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static RuntimeException drop(Counted<?> c, RuntimeException failure) {
        try {
            c.decrement();
        } catch (RuntimeException e) {
            if (failure == null) {
                return e;
            }
            failure.addSuppressed(e);
        }
        return failure;
    }

    /** Pending holds now (tests). */
    static int size() {
        int n = 0;
        for (Hold h = (Hold) HEAD.getVolatile(); h != null; h = h.next) {
            n++;
        }
        return n;
    }

    private static void push(Hold first, Hold last) {
        for (;;) {
            Hold h = (Hold) HEAD.getVolatile(); // volatile: the CAS below validates it
            last.next = h;
            if (HEAD.compareAndSet(h, first)) { // CAS: publishes the chain; pairs with takeAll's getAndSet
                return;
            }
        }
    }

    private static Hold takeAll() {
        return (Hold) HEAD.getAndSet((Hold) null); // volatile RMW: takes the whole chain; pairs with push's CAS
    }

    // VarHandle mechanics
    private static final VarHandle HEAD;

    static {
        try {
            HEAD = MethodHandles.lookup().findStaticVarHandle(PendingReleases.class, "head", Hold.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
