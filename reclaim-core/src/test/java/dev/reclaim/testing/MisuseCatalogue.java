package dev.reclaim.testing;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.function.Executable;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A catalogue of misuses of a public API: each entry says what is done wrong, which exception type it must
 * raise and a pattern its message must match (the pattern names the fix: what to call, pass or do instead).
 * Each module keeps one catalogue test that fills a catalogue and returns {@link #dynamicTests()}; a new
 * public operation adds its misuses there.
 */
public final class MisuseCatalogue {

    /**
     * One misuse.
     *
     * @param what       what is done wrong (the dynamic test's name)
     * @param type       the exception type it must raise
     * @param fixPattern a regular expression the message must contain
     * @param action     the misuse
     */
    public record Misuse(String what, Class<? extends Throwable> type, String fixPattern, Executable action) {
    }

    private final List<Misuse> entries = new ArrayList<>();

    /**
     * Adds a misuse.
     *
     * @param what       what is done wrong
     * @param type       the exception type it must raise
     * @param fixPattern a regular expression the message must contain (DOTALL)
     * @param action     the misuse
     */
    public void misuse(String what, Class<? extends Throwable> type, String fixPattern, Executable action) {
        entries.add(new Misuse(what, type, fixPattern, action));
    }

    /**
     * How many misuses the catalogue holds.
     *
     * @return the count
     */
    public int size() {
        return entries.size();
    }

    /**
     * One test per misuse: it must throw its type with a message matching its pattern.
     *
     * @return the tests
     */
    public Stream<DynamicTest> dynamicTests() {
        return entries.stream().map(m -> DynamicTest.dynamicTest(m.what(), () -> {
            Throwable t = assertThrows(m.type(), m.action(), m.what());
            String message = String.valueOf(t.getMessage());
            assertTrue(Pattern.compile(m.fixPattern(), Pattern.DOTALL).matcher(message).find(),
                    () -> m.what() + ": message does not match /" + m.fixPattern() + "/: " + message);
        }));
    }
}
