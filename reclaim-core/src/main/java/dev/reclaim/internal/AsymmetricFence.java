package dev.reclaim.internal;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;

/**
 * Asymmetric fences (folly's {@code asymmetricLightBarrier}/{@code asymmetricHeavyBarrier}, liburcu's
 * "memb" flavour): a reader's hot path pays only a compiler barrier ({@link #light()}), and the rare side that
 * must see the readers' stores (a writer's scan) pays a process-wide barrier ({@link #heavy()}): Linux's
 * {@code membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED)}, which makes every CPU running a thread of this process
 * execute a full memory barrier before the call returns.
 *
 * <p>The pattern it replaces is Dekker's: a reader stores R then loads W; a writer stores W then loads R; one
 * of them must see the other's store. With {@code light()} between the reader's store and load and
 * {@code heavy()} between the writer's store and load, this still holds: the barrier that {@code heavy()}
 * forces on the reader's CPU falls either after the reader's store (so the writer's load sees it) or before it
 * (so the reader's later load sees the writer's store, which {@code heavy()} ordered before its IPIs).
 *
 * <p>When membarrier is not usable, both methods are {@link VarHandle#fullFence()} and the pattern is the
 * plain symmetric one. Whether it is usable is decided once, at class initialisation:
 * <ul>
 *   <li>system property {@code reclaim.asymmetricFence}: {@code auto} (default), {@code off} (always full
 *       fences), {@code require} (fail the first use with an explanation when unavailable);</li>
 *   <li>Linux on x86-64 or AArch64, a HotSpot VM (the compiler-barrier argument below is about C2 and C1);</li>
 *   <li>native access enabled for this module ({@code --enable-native-access=dev.reclaim}, or
 *       {@code ALL-UNNAMED} on the class path): without it the call would print a JDK warning, so it is
 *       not attempted;</li>
 *   <li>{@code MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED} succeeds.</li>
 * </ul>
 *
 * <p><b>Compiler barrier.</b> The JMM has no fence that orders a store before a later load other than
 * {@link VarHandle#fullFence()}, which is the CPU fence we want to avoid. {@link #light()} uses
 * {@link VarHandle#acquireFence()}: HotSpot compiles it (C2: a {@code LoadFence} node on the whole memory
 * state; C1 and the interpreter do not reorder memory accesses around it) into a barrier that no memory
 * access crosses at compile time and that emits no instruction on x86 ({@code dmb ishld} on AArch64). The
 * CPU-level StoreLoad ordering is then supplied by {@link #heavy()}. This is an implementation property of
 * HotSpot, not a JMM guarantee, which is why it is gated on the VM and can be switched off; the jcstress
 * tests of every user run in this mode.
 */
public final class AsymmetricFence {

    private static final int MEMBARRIER_CMD_PRIVATE_EXPEDITED = 1 << 3;
    private static final int MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED = 1 << 4;

    /** Whether membarrier is in use; otherwise both sides issue full fences. */
    private static final boolean ASYMMETRIC;
    /** Why the asymmetric mode is on or off (diagnostics, {@link #status()}). */
    private static final String STATUS;
    private static final MethodHandle SYSCALL;
    private static final long SYS_MEMBARRIER;
    private static final boolean REQUIRED;

    private AsymmetricFence() {
    }

    /**
     * The reader's side: a compiler barrier when asymmetric, else a full fence. Put it between the store that
     * publishes what you use and the load that validates it.
     */
    public static void light() {
        if (ASYMMETRIC) {
            VarHandle.acquireFence(); // compiler barrier only (see class notes); pairs with heavy() on the scanner's side
        } else {
            VarHandle.fullFence(); // symmetric Dekker fence; pairs with the full fence in heavy()
        }
    }

    /**
     * The scanner's side: a process-wide barrier when asymmetric, else a full fence. Put it between the store
     * that readers must see (an unlink, a swap) and the loads of the readers' published words. Costs a system
     * call (microseconds) when asymmetric: call it once per batch, never per operation.
     */
    public static void heavy() {
        if (ASYMMETRIC) {
            membarrier(); // every running thread of the process executes a full barrier; pairs with light()
        } else {
            VarHandle.fullFence(); // pairs with the full fence in light()
        }
    }

    /**
     * Whether the asymmetric mode is in use.
     *
     * @return true when {@link #light()} is a compiler barrier only
     * @throws IllegalStateException when {@code reclaim.asymmetricFence=require} and it is unavailable
     */
    public static boolean isAsymmetric() {
        if (REQUIRED && !ASYMMETRIC) {
            throw new IllegalStateException("reclaim.asymmetricFence=require, but asymmetric fences are unavailable: "
                    + STATUS + "; fix the cause or set -Dreclaim.asymmetricFence=auto");
        }
        return ASYMMETRIC;
    }

    /**
     * Whether the asymmetric mode is in use, without the {@code require} check of {@link #isAsymmetric()}: for
     * reports and {@link dev.reclaim.FenceMode#current()}.
     *
     * @return true when {@link #light()} is a compiler barrier only
     */
    public static boolean inUse() {
        return ASYMMETRIC;
    }

    /**
     * A one-line description of the mode and why, for reports: {@code "asymmetric (membarrier)"} or
     * {@code "symmetric: <reason>"}.
     *
     * @return the status
     */
    public static String status() {
        return STATUS;
    }

    private static void membarrier() {
        long rc;
        try {
            rc = (long) SYSCALL.invokeExact(SYS_MEMBARRIER, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0);
        } catch (Throwable t) {
            throw new IllegalStateException("membarrier(PRIVATE_EXPEDITED) call failed", t);
        }
        if (rc != 0) {
            // registered at start-up, so this cannot fail short of a kernel bug; never run unfenced
            VarHandle.fullFence(); // fallback: at least order our own side
            throw new IllegalStateException("membarrier(PRIVATE_EXPEDITED) returned " + rc
                    + " after a successful registration; run with -Dreclaim.asymmetricFence=off");
        }
    }

    static {
        String mode = System.getProperty("reclaim.asymmetricFence", "auto").toLowerCase(Locale.ROOT);
        REQUIRED = mode.equals("require");
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String vm = System.getProperty("java.vm.name", "");
        long nr = arch.equals("amd64") || arch.equals("x86_64") ? 324L : arch.equals("aarch64") ? 283L : -1L;
        MethodHandle handle = null;
        String status;
        boolean on = false;
        if (!mode.equals("auto") && !mode.equals("off") && !REQUIRED) {
            throw new ExceptionInInitializerError("reclaim.asymmetricFence=" + mode
                    + " is not a mode; use auto, off or require");
        }
        if (mode.equals("off")) {
            status = "symmetric: -Dreclaim.asymmetricFence=off";
        } else if (!os.startsWith("linux")) {
            status = "symmetric: membarrier is Linux-only (os.name=" + os + ")";
        } else if (nr < 0) {
            status = "symmetric: no membarrier syscall number for os.arch=" + arch;
        } else if (!vm.contains("HotSpot") && !vm.contains("OpenJDK")) {
            status = "symmetric: the compiler-barrier argument is only made for HotSpot (java.vm.name=" + vm + ")";
        } else if (!AsymmetricFence.class.getModule().isNativeAccessEnabled()) {
            status = "symmetric: native access is not enabled; add --enable-native-access="
                    + (AsymmetricFence.class.getModule().isNamed() ? "dev.reclaim" : "ALL-UNNAMED");
        } else {
            String why;
            try {
                Linker linker = Linker.nativeLinker();
                MemorySegment fn = linker.defaultLookup().find("syscall").orElse(null);
                if (fn == null) {
                    why = "the C library has no syscall()";
                } else {
                    handle = linker.downcallHandle(fn, FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
                            Linker.Option.firstVariadicArg(1));
                    long rc = (long) handle.invokeExact(nr, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0);
                    why = rc == 0 ? null : "membarrier(REGISTER_PRIVATE_EXPEDITED) returned " + rc
                            + " (kernel older than 4.14, or blocked by seccomp)";
                }
            } catch (Throwable t) {
                why = "membarrier registration failed: " + t;
            }
            on = why == null;
            status = on ? "asymmetric (membarrier)" : "symmetric: " + why;
        }
        ASYMMETRIC = on;
        STATUS = status;
        SYSCALL = handle;
        SYS_MEMBARRIER = nr;
        if (!on && mode.equals("auto")) {
            report(status, !os.startsWith("linux") || nr < 0);
        }
    }

    /**
     * The one line at first use (class initialization) when the fallback was not asked for: what is slower and
     * how to fix it or to choose it. A fixable cause (native access, the kernel) is a warning; a platform
     * without membarrier is information.
     */
    private static void report(String status, boolean platform) {
        System.getLogger("dev.reclaim").log(platform ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                "reclaim: asymmetric fences are unavailable (" + status.substring("symmetric: ".length()) + "):"
                        + " ArcSwap loads, Mutex unlocks and asymmetric hazard-pointer protects pay a full fence"
                        + " instead (ArcSwap.load() and close() take about twice as long). Set"
                        + " -Dreclaim.asymmetricFence=off to choose the full fences and silence this line;"
                        + " dev.reclaim.FenceMode reports the mode");
    }
}
