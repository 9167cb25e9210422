package dev.reclaim.arc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Optional;

/**
 * A weak handle on an {@link Arc}'s value: it does not keep the value from being released. {@link #upgrade()}
 * returns a new strong handle while the value is live, and empty once it was released. Closing a weak handle
 * only lowers {@link #weakCount()}; it is optional (an unclosed weak handle holds no resource).
 *
 * @param <T> the value type
 */
public final class Weak<T> implements AutoCloseable {

    private final Counted<?> inner;
    private final T view;
    /** 1 once closed; via CLOSED. */
    private volatile int closed;

    Weak(Counted<?> inner, T view) {
        this.inner = inner;
        this.view = view;
        inner.incrementWeak();
    }

    /**
     * A strong handle on the value, if it is still live.
     *
     * @return a new handle to release, or empty once the value was released
     * @throws IllegalStateException when this weak handle was closed
     */
    public Optional<Arc<T>> upgrade() {
        if (closedVolatile() != 0) {
            throw new IllegalStateException("upgrade() on a closed Weak<" + inner.valueTypeName() + ">; upgrade"
                    + " before closing the weak handle");
        }
        if (!inner.tryIncrementIfLive()) {
            return Optional.empty();
        }
        return Optional.of(new Arc<>(inner, view));
    }

    /**
     * The value's strong count now.
     *
     * @return 0 once the value was released
     */
    public int strongCount() {
        return inner.strongCount();
    }

    /**
     * How many weak handles are open on the value (including this one until it is closed).
     *
     * @return the weak count
     */
    public int weakCount() {
        return inner.weakCount();
    }

    /**
     * Closes this weak handle (lowers the weak count).
     *
     * @throws IllegalStateException when it was already closed
     */
    @Override
    public void close() {
        if (!CLOSED.compareAndSet(this, 0, 1)) { // volatile CAS: one close per weak handle
            throw new IllegalStateException("Weak<" + inner.valueTypeName() + "> closed twice; close each weak"
                    + " handle once");
        }
        inner.decrementWeak();
    }

    private int closedVolatile() {
        return (int) CLOSED.getVolatile(this); // volatile: pairs with the CAS in close()
    }

    // VarHandle mechanics
    private static final VarHandle CLOSED;

    static {
        try {
            CLOSED = MethodHandles.lookup().findVarHandle(Weak.class, "closed", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
