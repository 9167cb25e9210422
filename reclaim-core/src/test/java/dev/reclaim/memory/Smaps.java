package dev.reclaim.memory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads /proc/self/smaps: a field of the mapping of this process that holds an address. */
final class Smaps {

    private Smaps() {
    }

    /**
     * A field (in KiB) of the mapping that holds {@code address}, e.g. {@code "Rss:"} or {@code "AnonHugePages:"};
     * -1 when no mapping holds it.
     */
    static long kib(long address, String field) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/self/smaps"));
        boolean inside = false;
        for (String l : lines) {
            int dash = l.indexOf('-');
            int space = l.indexOf(' ');
            if (dash > 0 && space > dash && l.substring(0, dash).matches("[0-9a-f]+")) {
                long lo = Long.parseUnsignedLong(l.substring(0, dash), 16);
                long hi = Long.parseUnsignedLong(l.substring(dash + 1, space), 16);
                inside = Long.compareUnsigned(address, lo) >= 0 && Long.compareUnsigned(address, hi) < 0;
            } else if (inside && l.startsWith(field)) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** Whether some mapping of this process holds {@code address}. */
    static boolean mapped(long address) throws IOException {
        return kib(address, "Rss:") >= 0;
    }
}
