package dev.reclaim.memory;

/** Checks every access in sanitizer mode (placeholder: the slab allocator work fills this in). */
final class Sanitizer {
    static boolean enabled;

    private Sanitizer() {
    }

    static void check(long address, long bytes) {
    }
}
