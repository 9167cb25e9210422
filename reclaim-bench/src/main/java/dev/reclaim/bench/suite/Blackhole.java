package dev.reclaim.bench.suite;

/** Keeps results alive so that the JIT cannot drop the work that produced them. */
final class Blackhole {

    private static volatile long sink; // volatile: written rarely (see consume), read by nobody

    private Blackhole() {
    }

    /** Consumes {@code value}; a store happens only for a value that is practically never produced. */
    static void consume(long value) {
        if (value == 0x5EED_5EED_5EED_5EEDL) {
            sink = value; // volatile: only to make the comparison observable
        }
    }
}
