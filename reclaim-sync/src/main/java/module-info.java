/**
 * The primitives of "Rust Atomics and Locks" for the JVM: spin lock, futex-style mutex, condition variable,
 * reader-writer lock, semaphore, sequence locks (also over shared memory between processes), one-shot
 * channel, channel, queue and parking-lot locks, and an RCU cell over any {@link dev.reclaim.Reclaimer}.
 */
module dev.reclaim.sync {
    requires transitive dev.reclaim;

    exports dev.reclaim.sync;
}
