package dev.reclaim;

/**
 * A snapshot of a reclaimer's counters. Counters are read one after another without stopping the world, so
 * under concurrent use they are individually accurate but not one atomic picture.
 *
 * @param name            the reclaimer's name
 * @param scheme          its scheme
 * @param retired         pointers retired and actions deferred since creation
 * @param reclaimed       deleters and actions run since creation (including ones that threw)
 * @param pending         retired but not yet reclaimed ({@code retired - reclaimed})
 * @param pendingBytes    bytes held by pending pointers, as reported by {@link Deleter#sizeOf(long)}
 * @param peakPending     the largest {@code pending} seen at a reclamation step since creation
 * @param epoch           the current global epoch or era, or -1 when the scheme has none
 * @param openGuards      guards open at the time of the snapshot
 * @param oldestGuard     the open guard holding back reclamation the longest, or null when none is open
 * @param failures        deleters that threw plus guards found abandoned
 * @param guardSlots      guard slots the reclaimer holds now (each is padded to its own cache lines): the table
 *                        grows while many guards are open at once, e.g. a burst of virtual threads each holding
 *                        a guard, and shrinks back once the burst is over; 0 for a scheme without slots
 */
public record ReclaimerStats(String name, Scheme scheme, long retired, long reclaimed, long pending,
                             long pendingBytes, long peakPending, long epoch, int openGuards,
                             GuardInfo oldestGuard, long failures, int guardSlots) {
}
