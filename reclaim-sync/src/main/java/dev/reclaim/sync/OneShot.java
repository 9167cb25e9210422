package dev.reclaim.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A one-shot channel: exactly one value goes from one {@link Sender} to one {@link Receiver}. The two ends are
 * separate types, so a receiver cannot send and a sender cannot receive (the type-checked half of the safety);
 * sending twice, receiving twice, or taking an end twice throws {@link IllegalStateException} (the
 * runtime-checked half).
 *
 * <pre>{@code
 * OneShot<String> shot = OneShot.create();
 * OneShot.Sender<String> tx = shot.sender();
 * OneShot.Receiver<String> rx = shot.receiver();
 * Thread.ofVirtual().start(() -> tx.send("done"));
 * String v = rx.receive(1, TimeUnit.SECONDS);
 * }</pre>
 *
 * <p>A sender closed without sending ({@link Sender#close()}) makes the receiver fail instead of waiting
 * forever. The receiver parks on the {@link ParkingLot}; the sender touches the parking lot only if the receiver
 * is actually parked.
 *
 * @param <T> the value type (non-null values)
 */
public final class OneShot<T> {

    /*
     * Implementation notes
     *
     * state: EMPTY -> (receiver parks) WAITING -> READY | CLOSED; READY -> TAKEN.
     * The sender claims sending with a CAS on `sent` (double send throws before touching the value), writes
     * the value (plain), then getAndSet(state, READY): the release half publishes the value and pairs with the
     * receiver's acquire load of READY; if the old state was WAITING the receiver may be parked, so it wakes it.
     * The receiver sets WAITING by CAS (EMPTY -> WAITING) and parks validating state == WAITING, so a send
     * between its CAS and its park is seen under the bucket lock.
     * Linearization: send at the getAndSet; receive at the acquire load that reads READY.
     * The receiver takes the value by CAS READY -> TAKEN (a second receive fails that CAS).
     * Garbage: the channel and its two end objects; one ParkingLot node and validation only if the receiver
     * parks.
     */

    private static final int EMPTY = 0;
    private static final int WAITING = 1;
    private static final int READY = 2;
    private static final int CLOSED = 3;
    private static final int TAKEN = 4;

    private volatile int state;
    private T value;
    private volatile boolean sent;
    private volatile boolean senderTaken;
    private volatile boolean receiverTaken;
    private final Sender<T> sender = new Sender<>(this);
    private final Receiver<T> receiver = new Receiver<>(this);

    private OneShot() {
    }

    /**
     * Creates a one-shot channel; take its two ends with {@link #sender()} and {@link #receiver()}.
     *
     * @param <T> the value type
     * @return a new channel
     */
    public static <T> OneShot<T> create() {
        return new OneShot<>();
    }

    /**
     * The sending end; may be taken once.
     *
     * @return the sender
     * @throws IllegalStateException if it was already taken
     */
    public Sender<T> sender() {
        if (!casFlag(SENDER_TAKEN)) {
            throw new IllegalStateException("OneShot.sender() taken twice; a one-shot channel has one sender: take it once and hand that Sender to the sending thread");
        }
        return sender;
    }

    /**
     * The receiving end; may be taken once.
     *
     * @return the receiver
     * @throws IllegalStateException if it was already taken
     */
    public Receiver<T> receiver() {
        if (!casFlag(RECEIVER_TAKEN)) {
            throw new IllegalStateException("OneShot.receiver() taken twice; a one-shot channel has one receiver: take it once and hand that Receiver to the receiving thread");
        }
        return receiver;
    }

    /**
     * The sending end.
     *
     * @param <T> the value type
     */
    public static final class Sender<T> implements AutoCloseable {
        private final OneShot<T> channel;

        private Sender(OneShot<T> channel) {
            this.channel = channel;
        }

        /**
         * Sends the value, waking the receiver if it waits.
         *
         * @param value the value, non-null
         * @throws NullPointerException  if {@code value} is null
         * @throws IllegalStateException if a value was already sent or the sender was closed
         */
        public void send(T value) {
            Objects.requireNonNull(value, "OneShot.send(null): send a non-null value");
            OneShot<T> c = channel;
            if (!c.casFlag(SENT)) {
                throw new IllegalStateException("OneShot.send() called twice (or after close()); send exactly once");
            }
            c.value = value; // plain: published by the release half of the getAndSet below
            if (c.getAndSetState(READY) == WAITING) {
                ParkingLot.wakeOne(c);
            }
        }

        /** Closes the sender; if nothing was sent, the receiver fails instead of waiting forever. Idempotent. */
        @Override
        public void close() {
            OneShot<T> c = channel;
            if (c.casFlag(SENT) && c.getAndSetState(CLOSED) == WAITING) {
                ParkingLot.wakeOne(c);
            }
        }
    }

    /**
     * The receiving end.
     *
     * @param <T> the value type
     */
    public static final class Receiver<T> {
        private final OneShot<T> channel;

        private Receiver(OneShot<T> channel) {
            this.channel = channel;
        }

        /**
         * Whether the value has arrived (and not yet been received).
         *
         * @return whether {@link #receive()} would return at once
         */
        public boolean isReady() {
            return channel.stateAcquire() == READY;
        }

        /**
         * Takes the value if it has arrived.
         *
         * @return the value, or {@code null} if it has not arrived yet
         * @throws IllegalStateException if it was already received, or the sender closed without sending
         */
        public T tryReceive() {
            OneShot<T> c = channel;
            int s = c.stateAcquire();
            if (s == READY) {
                return c.take();
            }
            c.checkNotFinished(s);
            return null;
        }

        /**
         * Waits for the value, ignoring interrupts (the status is restored on return).
         *
         * @return the value
         * @throws IllegalStateException if it was already received, or the sender closed without sending
         */
        public T receive() {
            T v = channel.receiveImpl(ParkingLot.NO_TIMEOUT);
            if (v == null) {
                throw new AssertionError("untimed receive returned without a value");
            }
            return v;
        }

        /**
         * Waits at most {@code timeout} for the value. Interrupts are ignored (status restored).
         *
         * @param timeout how long
         * @param unit    its unit
         * @return the value
         * @throws TimeoutException      if it did not arrive in time (you may call again)
         * @throws IllegalStateException if it was already received, or the sender closed without sending
         */
        public T receive(long timeout, TimeUnit unit) throws TimeoutException {
            T v = channel.receiveImpl(Math.max(0, unit.toNanos(timeout)));
            if (v == null) {
                throw new TimeoutException("OneShot.receive(" + timeout + " " + unit + ") timed out; nothing sent");
            }
            return v;
        }
    }

    private T receiveImpl(long nanos) {
        boolean forever = nanos >= ParkingLot.FOREVER_THRESHOLD;
        long deadline = forever ? 0 : System.nanoTime() + nanos;
        while (true) {
            int s = stateAcquire();
            if (s == READY) {
                return take();
            }
            checkNotFinished(s);
            if (s == EMPTY && !casState(EMPTY, WAITING)) {
                continue;
            }
            long remaining = forever ? ParkingLot.NO_TIMEOUT : deadline - System.nanoTime();
            if (!forever && remaining <= 0) {
                return null;
            }
            ParkingLot.parkUninterruptibly(this, () -> stateVolatile() == WAITING, remaining);
        }
    }

    private void checkNotFinished(int s) {
        if (s == TAKEN) {
            throw new IllegalStateException("OneShot.receive() after the value was received; receive exactly once");
        }
        if (s == CLOSED) {
            throw new IllegalStateException("OneShot sender was closed without sending; nothing will arrive");
        }
    }

    private T take() {
        if (!casState(READY, TAKEN)) {
            throw new IllegalStateException("OneShot.receive() after the value was received; receive exactly once");
        }
        T v = value; // plain: after the acquire load of READY that pairs with the sender's getAndSet
        value = null; // plain: only the receiver touches value after READY
        return v;
    }

    private int stateAcquire() {
        return (int) STATE.getAcquire(this); // acquire: pairs with the release half of getAndSetState(READY)
    }

    private int stateVolatile() {
        return state; // volatile: the receiver's park validation, pairs with the sender's getAndSet
    }

    private boolean casState(int expected, int newValue) {
        return STATE.compareAndSet(this, expected, newValue); // volatile CAS: pairs with the sender's getAndSet
    }

    private int getAndSetState(int newValue) {
        return (int) STATE.getAndSet(this, newValue); // volatile swap: release pairs with stateAcquire()
    }

    private boolean casFlag(VarHandle flag) {
        return flag.compareAndSet(this, false, true); // volatile CAS: once-only claim, pairs with itself
    }

    // VarHandle mechanics
    private static final VarHandle STATE;
    private static final VarHandle SENT;
    private static final VarHandle SENDER_TAKEN;
    private static final VarHandle RECEIVER_TAKEN;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(OneShot.class, "state", int.class);
            SENT = l.findVarHandle(OneShot.class, "sent", boolean.class);
            SENDER_TAKEN = l.findVarHandle(OneShot.class, "senderTaken", boolean.class);
            RECEIVER_TAKEN = l.findVarHandle(OneShot.class, "receiverTaken", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
