package dev.reclaim.jcstress;

import dev.reclaim.sync.OneShot;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * OneShot: the sender builds a message with a plain (non-final) field and sends it; the receiver blocks until
 * it arrives and reads the field. Forbidden: the receiver sees the message but not its contents (0), which
 * happens if the send's publication is not a release paired with the receive's acquire.
 */
@JCStressTest
@Description("OneShot: a received message is fully published")
@Outcome(id = "42", expect = ACCEPTABLE, desc = "the message arrived with its contents")
@Outcome(expect = FORBIDDEN, desc = "the message arrived without its contents (unsafe publication)")
@State
public class OneShotPublicationTest {

    /** A message with a plain field: only the channel's ordering makes it visible. */
    static final class Message {
        int payload;
    }

    private final OneShot<Message> channel = OneShot.create();
    private final OneShot.Sender<Message> sender = channel.sender();
    private final OneShot.Receiver<Message> receiver = channel.receiver();

    /** Creates the state. */
    public OneShotPublicationTest() {
    }

    /** The sender. */
    @Actor
    public void send() {
        Message m = new Message();
        m.payload = 42;
        sender.send(m);
    }

    /**
     * The receiver: blocks until the message arrives (the sender always sends).
     *
     * @param r the payload it read
     */
    @Actor
    public void receive(I_Result r) {
        r.r1 = receiver.receive().payload;
    }
}
