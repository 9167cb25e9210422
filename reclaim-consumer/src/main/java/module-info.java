/**
 * A user of the library on the module path. It reads {@code dev.reclaim} only through the
 * {@code requires transitive} of the three modules it names.
 */
module dev.reclaim.consumer {
    requires dev.reclaim.sync;
    requires dev.reclaim.arc;
    requires dev.reclaim.collections;
}
