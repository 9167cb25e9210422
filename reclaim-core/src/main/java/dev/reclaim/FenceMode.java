package dev.reclaim;

import dev.reclaim.internal.AsymmetricFence;

/**
 * How the read sides of {@code ArcSwap}, {@code Mutex} and the opt-in asymmetric hazard-pointer protect are
 * fenced in this JVM, chosen once at first use.
 *
 * <p>{@link #ASYMMETRIC}: the reader pays only a compiler barrier, and the rare side (an {@code ArcSwap} write,
 * a contended unlock, a hazard-pointer scan) calls Linux's {@code membarrier}, which makes every running thread
 * execute a full barrier. It needs Linux on x86-64 or AArch64, a HotSpot VM, native access enabled for the
 * module ({@code --enable-native-access=dev.reclaim}, or {@code ALL-UNNAMED} on the class path) and a kernel
 * that accepts the registration (4.14+, not blocked by seccomp).
 *
 * <p>{@link #SYMMETRIC}: full fences on both sides. Correct everywhere, slower reads ({@code ArcSwap.load()}
 * and close about twice as long; see docs/performance.md, ArcSwap). It is used when the system property
 * {@code reclaim.asymmetricFence} is {@code off}, or when the asymmetric mode is unavailable; in the latter
 * case the first use logs one line through {@link System.Logger} {@code dev.reclaim} saying why. With
 * {@code -Dreclaim.asymmetricFence=require} an unavailable asymmetric mode fails the first use instead.
 */
public enum FenceMode {
    /** A compiler barrier on the read side, {@code membarrier} on the rare side. */
    ASYMMETRIC,
    /** A full fence on both sides. */
    SYMMETRIC;

    /**
     * The mode in use (decided once per JVM, at the first use of any fenced operation or of this method).
     *
     * @return the mode
     */
    public static FenceMode current() {
        return AsymmetricFence.inUse() ? ASYMMETRIC : SYMMETRIC;
    }

    /**
     * The mode and the reason for it in one line, e.g. {@code "asymmetric (membarrier)"} or
     * {@code "symmetric: native access is not enabled; add --enable-native-access=ALL-UNNAMED"}.
     *
     * @return the description
     */
    public static String status() {
        return AsymmetricFence.status();
    }
}
