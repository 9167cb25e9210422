package dev.reclaim.jcstress;

import dev.reclaim.sync.Channel;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Channel of capacity 1: a sender sends two messages with a plain payload field while a receiver takes two; the
 * second send must wait for the room the receiver makes (and the receiver may wait for each message). Forbidden:
 * a message lost, received twice, out of order, empty (its payload not published), or left in the channel,
 * which happens if a sender blocked on a full channel misses its wake-up (the receiver then hangs: jcstress
 * reports the test as stuck), two sends share a slot, or the hand-off does not order the payload before the
 * receive. (Two actors: jcstress skips tests with more actors than CPUs.)
 */
@JCStressTest
@Description("Channel(1): one sender of two, one receiver: each message arrives once, in order, with its contents")
@Outcome(id = "1, 2, 0", expect = ACCEPTABLE, desc = "both messages arrived once, in order, channel empty")
@Outcome(expect = FORBIDDEN, desc = "a message lost, duplicated, reordered, without contents, or left behind")
@State
public class ChannelHandoffTest {

    /** A message with a plain field: only the channel's ordering makes it visible. */
    static final class Message {
        int payload;
    }

    private final Channel<Message> channel = new Channel<>(1);

    /** Creates the state. */
    public ChannelHandoffTest() {
    }

    private void send(int payload) {
        Message m = new Message();
        m.payload = payload;
        try {
            channel.send(m);
        } catch (InterruptedException e) {
            throw new IllegalStateException("jcstress interrupted a sender", e);
        }
    }

    private int receive() {
        try {
            return channel.receive().payload;
        } catch (InterruptedException e) {
            throw new IllegalStateException("jcstress interrupted the receiver", e);
        }
    }

    /** Sends 1, then 2 (which waits for room). */
    @Actor
    public void sender() {
        send(1);
        send(2);
    }

    /**
     * Receives two messages (the senders always send).
     *
     * @param r r1, r2: their payloads in arrival order
     */
    @Actor
    public void receiver(III_Result r) {
        r.r1 = receive();
        r.r2 = receive();
    }

    /**
     * After both: what is left in the channel.
     *
     * @param r r3: the number of messages left
     */
    @Arbiter
    public void rest(III_Result r) {
        r.r3 = channel.size();
    }
}
