package dev.reclaim.memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * Typed access to off-heap memory at {@code long} addresses, named after the access mode.
 *
 * <h2>Vocabulary</h2>
 * Every accessor is named type + mode, and each mode means exactly one thing:
 * <ul>
 *   <li>{@code getLong}/{@code putLong}: plain access; no ordering, may be torn by the compiler for
 *       non-volatile use. Use only for memory that no other thread accesses concurrently (a node before it
 *       is published, or after it is unlinked and reclaimed).</li>
 *   <li>{@code getLongOpaque}/{@code putLongOpaque}: atomic, no ordering with other locations.</li>
 *   <li>{@code getLongAcquire}: later reads and writes cannot move before it; pairs with a
 *       {@code putLongRelease} or CAS that published the value.</li>
 *   <li>{@code putLongRelease}: earlier reads and writes cannot move after it; pairs with a
 *       {@code getLongAcquire} of the same location.</li>
 *   <li>{@code getLongVolatile}/{@code putLongVolatile}: sequentially consistent.</li>
 *   <li>{@code compareAndSetLong}, {@code compareAndExchangeLong}, {@code getAndSetLong},
 *       {@code getAndAddLong}: sequentially consistent read-modify-write.</li>
 * </ul>
 * Every accessor needs a naturally aligned address (a multiple of 8 for longs, 4 for ints); a misaligned
 * access throws {@link IllegalArgumentException} saying so.
 *
 * <h2>Safety</h2>
 * These accessors trust the address: in the default fast mode an address that is not a live block of an
 * allocator is undefined behaviour (it may crash the JVM). In {@linkplain SlabAllocator.Builder#sanitize(boolean)
 * sanitizer mode} every access is checked against the live blocks of sanitizing allocators, and an access to
 * freed memory throws {@link UseAfterFreeException} naming the block's allocation and free sites. Running the
 * test suite and torture runs in sanitizer mode is how this library proves its structures never touch freed
 * memory.
 *
 * <p>Native access: the JVM must be started with {@code --enable-native-access=dev.reclaim} (or
 * {@code ALL-UNNAMED} on the class path) to avoid a warning.
 */
public final class Memory {

    /** The whole address space as one segment: access at an absolute address with no per-object scope check. */
    static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    // VarHandle mechanics: (MemorySegment, long offset) coordinates; offsets are absolute addresses into ALL.
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle().withInvokeExactBehavior();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle().withInvokeExactBehavior();

    private Memory() {
    }

    /**
     * The exception for a misaligned access, in place of the FFM message (which names an internal segment):
     * the address, the alignment it needs, and how blocks are aligned. The accessors catch the VarHandle's
     * exception rather than test the address first, so that an aligned access pays nothing for the message.
     */
    static IllegalArgumentException misaligned(long address, int bytes, IllegalArgumentException cause) {
        return new IllegalArgumentException("misaligned " + bytes + "-byte access at address 0x"
                + Long.toHexString(address) + ": Memory's " + (bytes == 8 ? "long" : "int") + " accessors need an"
                + " address that is a multiple of " + bytes + " (SlabAllocator blocks start 16-byte aligned; keep "
                + (bytes == 8 ? "long" : "int") + " fields at offsets that are multiples of " + bytes + ")", cause);
    }

    private static void check(long address, long bytes) {
        if (Sanitizer.enabled) { // plain static read: set once before any sanitizing allocator hands out memory
            Sanitizer.check(address, bytes);
        }
    }

    // ---------------------------------------------------------------- long

    /**
     * Plain read.
     *
     * @param address an 8-byte aligned address inside a live block
     * @return the value
     */
    public static long getLong(long address) {
        check(address, 8);
        try {
            return (long) LONG.get(ALL, address);
        } catch (IllegalArgumentException e) { // only a misaligned address: ALL spans every address
            throw misaligned(address, 8, e);
        }
    }

    /**
     * Plain write.
     *
     * @param address an 8-byte aligned address inside a live block
     * @param value   the value
     */
    public static void putLong(long address, long value) {
        check(address, 8);
        try {
            LONG.set(ALL, address, value);
        } catch (IllegalArgumentException e) { // only a misaligned address: ALL spans every address
            throw misaligned(address, 8, e);
        }
    }

    /**
     * Opaque read: atomic, unordered.
     *
     * @param address an 8-byte aligned address inside a live block
     * @return the value
     */
    public static long getLongOpaque(long address) {
        check(address, 8);
        try {
            return (long) LONG.getOpaque(ALL, address);
        } catch (IllegalArgumentException e) { // only a misaligned address: ALL spans every address
            throw misaligned(address, 8, e);
        }
    }

    /**
     * Opaque write: atomic, unordered.
     *
     * @param address an 8-byte aligned address inside a live block
     * @param value   the value
     */
    public static void putLongOpaque(long address, long value) {
        check(address, 8);
        try {
            LONG.setOpaque(ALL, address, value);
        } catch (IllegalArgumentException e) { // only a misaligned address: ALL spans every address
            throw misaligned(address, 8, e);
        }
    }

    /**
     * Acquire read: pairs with a release write or CAS of the same address.
     *
     * @param address an 8-byte aligned address inside a live block
     * @return the value
     */
    public static long getLongAcquire(long address) {
        check(address, 8);
        try {
            return (long) LONG.getAcquire(ALL, address);
        } catch (IllegalArgumentException e) { // only a misaligned address: ALL spans every address
            throw misaligned(address, 8, e);
        }
    }

    /**
     * Release write: pairs with an acquire read of the same address.
     *
     * @param address an 8-byte aligned address inside a live block
     * @param value   the value
     */
    public static void putLongRelease(long address, long value) {
        check(address, 8);
        try {
            LONG.setRelease(ALL, address, value);
        } catch (IllegalArgumentException e) { // only a misaligned address: ALL spans every address
            throw misaligned(address, 8, e);
        }
    }

    /**
     * Volatile (sequentially consistent) read.
     *
     * @param address an 8-byte aligned address inside a live block
     * @return the value
     */
    public static long getLongVolatile(long address) {
        check(address, 8);
        try {
            return (long) LONG.getVolatile(ALL, address);
        } catch (IllegalArgumentException e) { // only a misaligned address: ALL spans every address
            throw misaligned(address, 8, e);
        }
    }

    /**
     * Volatile (sequentially consistent) write.
     *
     * @param address an 8-byte aligned address inside a live block
     * @param value   the value
     */
    public static void putLongVolatile(long address, long value) {
        check(address, 8);
        try {
            LONG.setVolatile(ALL, address, value);
        } catch (IllegalArgumentException e) { // only a misaligned address: ALL spans every address
            throw misaligned(address, 8, e);
        }
    }

    /**
     * Sequentially consistent compare-and-set.
     *
     * @param address  an 8-byte aligned address inside a live block
     * @param expected the value expected
     * @param value    the new value
     * @return whether the swap happened
     */
    public static boolean compareAndSetLong(long address, long expected, long value) {
        check(address, 8);
        try {
            return LONG.compareAndSet(ALL, address, expected, value);
        } catch (IllegalArgumentException e) { // only a misaligned address: ALL spans every address
            throw misaligned(address, 8, e);
        }
    }

    /**
     * Sequentially consistent compare-and-exchange.
     *
     * @param address  an 8-byte aligned address inside a live block
     * @param expected the value expected
     * @param value    the new value
     * @return the value witnessed (equal to {@code expected} on success)
     */
    public static long compareAndExchangeLong(long address, long expected, long value) {
        check(address, 8);
        try {
            return (long) LONG.compareAndExchange(ALL, address, expected, value);
        } catch (IllegalArgumentException e) { // only a misaligned address: ALL spans every address
            throw misaligned(address, 8, e);
        }
    }

    /**
     * Sequentially consistent exchange.
     *
     * @param address an 8-byte aligned address inside a live block
     * @param value   the new value
     * @return the previous value
     */
    public static long getAndSetLong(long address, long value) {
        check(address, 8);
        try {
            return (long) LONG.getAndSet(ALL, address, value);
        } catch (IllegalArgumentException e) { // only a misaligned address: ALL spans every address
            throw misaligned(address, 8, e);
        }
    }

    /**
     * Sequentially consistent fetch-and-add.
     *
     * @param address an 8-byte aligned address inside a live block
     * @param delta   the amount to add
     * @return the previous value
     */
    public static long getAndAddLong(long address, long delta) {
        check(address, 8);
        try {
            return (long) LONG.getAndAdd(ALL, address, delta);
        } catch (IllegalArgumentException e) { // only a misaligned address: ALL spans every address
            throw misaligned(address, 8, e);
        }
    }

    // ---------------------------------------------------------------- int

    /**
     * Plain read.
     *
     * @param address a 4-byte aligned address inside a live block
     * @return the value
     */
    public static int getInt(long address) {
        check(address, 4);
        try {
            return (int) INT.get(ALL, address);
        } catch (IllegalArgumentException e) { // only a misaligned address: ALL spans every address
            throw misaligned(address, 4, e);
        }
    }

    /**
     * Plain write.
     *
     * @param address a 4-byte aligned address inside a live block
     * @param value   the value
     */
    public static void putInt(long address, int value) {
        check(address, 4);
        try {
            INT.set(ALL, address, value);
        } catch (IllegalArgumentException e) { // only a misaligned address: ALL spans every address
            throw misaligned(address, 4, e);
        }
    }

    /**
     * Acquire read: pairs with a release write or CAS of the same address.
     *
     * @param address a 4-byte aligned address inside a live block
     * @return the value
     */
    public static int getIntAcquire(long address) {
        check(address, 4);
        try {
            return (int) INT.getAcquire(ALL, address);
        } catch (IllegalArgumentException e) { // only a misaligned address: ALL spans every address
            throw misaligned(address, 4, e);
        }
    }

    /**
     * Release write: pairs with an acquire read of the same address.
     *
     * @param address a 4-byte aligned address inside a live block
     * @param value   the value
     */
    public static void putIntRelease(long address, int value) {
        check(address, 4);
        try {
            INT.setRelease(ALL, address, value);
        } catch (IllegalArgumentException e) { // only a misaligned address: ALL spans every address
            throw misaligned(address, 4, e);
        }
    }

    /**
     * Sequentially consistent compare-and-set.
     *
     * @param address  a 4-byte aligned address inside a live block
     * @param expected the value expected
     * @param value    the new value
     * @return whether the swap happened
     */
    public static boolean compareAndSetInt(long address, int expected, int value) {
        check(address, 4);
        try {
            return INT.compareAndSet(ALL, address, expected, value);
        } catch (IllegalArgumentException e) { // only a misaligned address: ALL spans every address
            throw misaligned(address, 4, e);
        }
    }

    /**
     * Sequentially consistent fetch-and-add.
     *
     * @param address a 4-byte aligned address inside a live block
     * @param delta   the amount to add
     * @return the previous value
     */
    public static int getAndAddInt(long address, int delta) {
        check(address, 4);
        try {
            return (int) INT.getAndAdd(ALL, address, delta);
        } catch (IllegalArgumentException e) { // only a misaligned address: ALL spans every address
            throw misaligned(address, 4, e);
        }
    }

    // ---------------------------------------------------------------- bulk

    /**
     * Fills {@code bytes} bytes at {@code address} with {@code value} (plain writes).
     *
     * @param address the start, inside a live block
     * @param bytes   how many bytes
     * @param value   the byte to write
     */
    public static void fill(long address, long bytes, byte value) {
        check(address, bytes);
        ALL.asSlice(address, bytes).fill(value);
    }

    /**
     * Copies {@code bytes} bytes from a segment into off-heap memory (plain writes).
     *
     * @param src       the source
     * @param srcOffset offset in the source
     * @param address   the destination start, inside a live block
     * @param bytes     how many bytes
     */
    public static void copyFrom(MemorySegment src, long srcOffset, long address, long bytes) {
        check(address, bytes);
        MemorySegment.copy(src, srcOffset, ALL, address, bytes);
    }

    /**
     * Copies {@code bytes} bytes from off-heap memory into a segment (plain reads).
     *
     * @param address   the source start, inside a live block
     * @param dst       the destination
     * @param dstOffset offset in the destination
     * @param bytes     how many bytes
     */
    public static void copyTo(long address, MemorySegment dst, long dstOffset, long bytes) {
        check(address, bytes);
        MemorySegment.copy(ALL, address, dst, dstOffset, bytes);
    }

    /**
     * A segment view of a block, for code that wants the {@link MemorySegment} API. The view is unchecked:
     * it does not become invalid when the block is freed, so do not keep it beyond the block's lifetime.
     *
     * @param address the block start
     * @param bytes   the block size
     * @return a segment of {@code bytes} bytes at {@code address}
     */
    public static MemorySegment segment(long address, long bytes) {
        check(address, bytes);
        return ALL.asSlice(address, bytes);
    }
}
