package dev.reclaim.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test seam (fault injection): makes an internal growth allocation throw {@link OutOfMemoryError}, as a full
 * heap would. The sites are the allocations that grow a slot's retired list (its columns and its scan buffers)
 * and the guard table; each calls {@link #beforeAllocation()} first. Off by default: the check is one plain
 * read of an {@link AtomicInteger} on paths that already allocate. The check is public for the schemes'
 * packages (this package is exported only to the library's own modules); arming it is package-private, so
 * only tests in this package do.
 */
public final class GrowthFault {

    /** Growth allocations still allowed before the armed one throws; -1 when disarmed. */
    private static final AtomicInteger COUNTDOWN = new AtomicInteger(-1);

    private GrowthFault() {
    }

    /**
     * Arms the fault: the growth allocation after {@code allowed} more of them throws, once.
     *
     * @param allowed growth allocations that still succeed first (0: the next one throws)
     */
    static void arm(int allowed) {
        COUNTDOWN.set(allowed);
    }

    /** Disarms the fault. */
    static void disarm() {
        COUNTDOWN.set(-1);
    }

    /** @return whether an armed fault has not fired yet */
    static boolean armed() {
        return COUNTDOWN.get() >= 0;
    }

    /**
     * Called before a growth allocation: throws when the armed countdown reaches it.
     *
     * @throws OutOfMemoryError the injected fault
     */
    public static void beforeAllocation() {
        if (COUNTDOWN.get() >= 0 && COUNTDOWN.getAndDecrement() == 0) {
            throw new OutOfMemoryError("injected by GrowthFault (a test): growth allocation refused");
        }
    }
}
