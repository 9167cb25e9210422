package dev.reclaim.arc;

/**
 * A snapshot of an {@link ArcSwap}'s counters. Loads that take the fast path (a debt lane or a pool slot,
 * confirmed by a re-read) are not counted, so that a load writes nothing shared; only the slow paths are.
 * Counters are read one after another, each exact, not one atomic picture.
 *
 * @param writes                  values installed: stores, swaps, successful compareAndSets and rcus, and the
 *                                close
 * @param contendedWrites         writes whose scan of the debt slots found work: a load to help or a debt to pay
 * @param handOvers               loads a writer completed by handing over a value (the reader had asked for help)
 * @param debtsPaid               reader debts on a removed value that writers turned into counts
 * @param helpingLoads            loads that took the helping path: the value changed under the fast path, or every
 *                                probed debt slot was busy
 * @param compareAndSetFailures   {@link ArcSwap#compareAndSet} calls that found another value
 * @param rcuRetries              {@link ArcSwap#rcu} updates computed again because another writer won
 * @param debtSlots               the size of the debt slot pool every writer scans (shared by all swaps)
 */
public record ArcSwapStats(long writes, long contendedWrites, long handOvers, long debtsPaid, long helpingLoads,
                           long compareAndSetFailures, long rcuRetries, int debtSlots) {
}
