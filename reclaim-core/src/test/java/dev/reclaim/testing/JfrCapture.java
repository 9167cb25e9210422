package dev.reclaim.testing;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs code under a real JFR recording and returns the events it recorded, for the tests of the library's
 * events: {@code JfrCapture.record(Map.of("dev.reclaim.Reclaim#threshold", "0 ms"), () -> ...)}.
 */
public final class JfrCapture {

    /** The code to record. */
    @FunctionalInterface
    public interface Body {
        /**
         * Runs it.
         *
         * @throws Exception any failure; it fails the test
         */
        void run() throws Exception;
    }

    private JfrCapture() {
    }

    /**
     * Records {@code body} with the given events enabled (other events off).
     *
     * @param settings JFR settings, e.g. {@code "dev.reclaim.Reclaim#enabled" -> "true"}; an event with no
     *                 {@code #enabled} key is not recorded
     * @param body     the code
     * @return the events of the {@code dev.reclaim} namespace, in the file's order
     * @throws Exception when the body or the recording fails
     */
    public static List<RecordedEvent> record(Map<String, String> settings, Body body) throws Exception {
        Path file = Files.createTempFile("reclaim-test", ".jfr");
        try (Recording rec = new Recording()) {
            rec.setSettings(settings);
            rec.start();
            body.run();
            rec.stop();
            rec.dump(file);
            return RecordingFile.readAllEvents(file).stream()
                    .filter(e -> e.getEventType().getName().startsWith("dev.reclaim.")).toList();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * The events named {@code name}.
     *
     * @param events recorded events
     * @param name   an event name
     * @return those events
     */
    public static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
    }
}
