package dev.reclaim.bench.peer;

import dev.reclaim.Reclaimer;
import dev.reclaim.collections.Backoff;
import dev.reclaim.collections.MichaelScottQueue;
import dev.reclaim.collections.TreiberStack;
import dev.reclaim.memory.SlabAllocator;

/**
 * Structures built with an explicit {@link Backoff} from a command-line spec: {@code none}, {@code standard},
 * {@code MIN:MAX} (exponential), optionally followed by {@code +count} for a stack that counts its size. Kept
 * apart from {@link PeerTarget} so that the default path never links against this API.
 */
final class BackoffSpec {

    private BackoffSpec() {
    }

    /**
     * Parses the back-off part of a spec.
     *
     * @param spec e.g. {@code none}, {@code standard}, {@code 16:1024}, {@code 16:1024+count}
     * @return the back-off
     * @throws IllegalArgumentException if the spec is malformed
     */
    static Backoff parse(String spec) {
        String b = spec.endsWith("+count") ? spec.substring(0, spec.length() - "+count".length()) : spec;
        return switch (b) {
            case "none" -> Backoff.none();
            case "standard", "default" -> Backoff.standard();
            default -> {
                int colon = b.indexOf(':');
                if (colon < 0) {
                    throw new IllegalArgumentException("bad --backoff '" + spec
                            + "'; use none, standard or MIN:MAX (e.g. 16:1024), optionally with +count");
                }
                yield Backoff.exponential(Integer.parseInt(b.substring(0, colon)),
                        Integer.parseInt(b.substring(colon + 1)));
            }
        };
    }

    static TreiberStack stack(Reclaimer reclaimer, SlabAllocator allocator, String spec) {
        return TreiberStack.builder(reclaimer, allocator).backoff(parse(spec)).countSize(spec.endsWith("+count"))
                .build();
    }

    static MichaelScottQueue queue(Reclaimer reclaimer, SlabAllocator allocator, String spec) {
        return new MichaelScottQueue(reclaimer, allocator, parse(spec));
    }
}
