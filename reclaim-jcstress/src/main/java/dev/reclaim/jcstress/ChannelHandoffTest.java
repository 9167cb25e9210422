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
 * Channel of capacity 1: two senders each send a message with a plain payload field while one receiver takes
 * two; one sender must wait for the room the receiver makes. Forbidden: a message lost, received twice, empty
 * (its payload not published), or left in the channel, which happens if a sender blocked on a full channel
 * misses its wake-up (the receiver then hangs: jcstress reports the test as stuck), two sends share a slot, or
 * the hand-off does not order the payload before the receive.
 */
@JCStressTest
@Description("Channel(1): two senders, one receiver: each message arrives once, with its contents")
@Outcome(id = {"1, 2, 0", "2, 1, 0"}, expect = ACCEPTABLE, desc = "both messages arrived once, channel empty")
@Outcome(expect = FORBIDDEN, desc = "a message lost, duplicated, without contents, or left behind")
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

    /** Sends 1. */
    @Actor
    public void first() {
        send(1);
    }

    /** Sends 2. */
    @Actor
    public void second() {
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
     * After all three: what is left in the channel.
     *
     * @param r r3: the number of messages left
     */
    @Arbiter
    public void rest(III_Result r) {
        r.r3 = channel.size();
    }
}
