package dev.reclaim.collections;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.SlabAllocator;
import java.util.function.LongSupplier;

/** {@link TreiberStack}: the container suite (its robust garbage bound: {@link TreiberStackStallTest}). */
class TreiberStackTest extends ContainerSuite {

    @Override
    LongContainer create(Reclaimer reclaimer, SlabAllocator allocator) {
        return LongContainer.of(new TreiberStack(reclaimer, allocator));
    }

    @Override
    LongSupplier protectNextRemoved(LongContainer stack, Guard g) {
        long node = g.protect(0, stack.rootAddress() + TreiberStackLayout.HEAD_OFFSET);
        return () -> Memory.getLong(node + TreiberStackLayout.VALUE_OFFSET);
    }
}
