package dev.reclaim.collections;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The hash functions of the maps: {@link #mix(long)} for {@code long} keys ({@link LongOpenHashMap},
 * {@link LongHashMap}), its inverse {@link #unmix(long)}, and {@link #bytes(MemorySegment, long)} for byte keys
 * ({@link BytesHashMap}).
 *
 * <p>{@code mix} is MurmurHash3's 64-bit finaliser ({@code fmix64}): a bijection on 64 bits whose every output
 * bit depends on every input bit. Being a bijection is what lets {@link LongHashMap} keep no key word in its
 * nodes (the bit-reversed hash identifies the key, and {@code unmix} recovers it for iteration); mixing all
 * bits is what lets the maps take a table index from some bits and a sampling decision from others
 * of one hash.
 */
final class Hashing {

    private static final long C1 = 0xff51afd7ed558ccdL;
    private static final long C2 = 0xc4ceb9fe1a85ec53L;
    private static final long INV_C1 = inverse(C1);
    private static final long INV_C2 = inverse(C2);

    /** Odd 64-bit constants (the golden ratio and MurmurHash3's c2) for the word loop of {@link #bytes}. */
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final long WORD_MULTIPLIER = 0xC2B2AE3D27D4EB4FL;
    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED;

    private Hashing() {
    }

    /**
     * MurmurHash3's {@code fmix64}: a bijection on 64 bits with full avalanche.
     *
     * @param key any value
     * @return its hash
     */
    static long mix(long key) {
        long h = key;
        h ^= h >>> 33;
        h *= C1;
        h ^= h >>> 33;
        h *= C2;
        h ^= h >>> 33;
        return h;
    }

    /**
     * The inverse of {@link #mix(long)}: {@code unmix(mix(k)) == k} for every {@code k}.
     *
     * @param hash a value returned by {@code mix}
     * @return the key it was computed from
     */
    static long unmix(long hash) {
        long h = hash;
        h ^= h >>> 33; // x ^= x >>> 33 is its own inverse on 64 bits (33 >= 64 / 2)
        h *= INV_C2;
        h ^= h >>> 33;
        h *= INV_C1;
        h ^= h >>> 33;
        return h;
    }

    /**
     * A 64-bit hash of the first {@code len} bytes of {@code key}: a multiply-rotate step per 8-byte word and
     * one for the tail bytes, then {@link #mix(long)}. Reads the segment through its own accessors (heap or
     * native, any alignment).
     *
     * @param key the bytes
     * @param len how many bytes to hash, at most {@code key.byteSize()}
     * @return the hash
     */
    static long bytes(MemorySegment key, long len) {
        long h = GOLDEN ^ len;
        long i = 0;
        for (; i + 8 <= len; i += 8) {
            h = Long.rotateLeft(h ^ (key.get(WORD, i) * WORD_MULTIPLIER), 31) * GOLDEN;
        }
        long tail = 0;
        for (; i < len; i++) {
            tail = (tail << 8) | (key.get(ValueLayout.JAVA_BYTE, i) & 0xFF);
        }
        h = Long.rotateLeft(h ^ (tail * WORD_MULTIPLIER), 31) * GOLDEN;
        return mix(h);
    }

    /** The multiplicative inverse of an odd number modulo 2^64 (Newton's iteration doubles the bits each step). */
    private static long inverse(long odd) {
        long x = odd; // correct to 3 bits for any odd number
        for (int i = 0; i < 5; i++) {
            x *= 2 - odd * x;
        }
        return x;
    }
}
