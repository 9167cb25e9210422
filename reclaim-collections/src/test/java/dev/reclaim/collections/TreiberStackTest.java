package dev.reclaim.collections;

import dev.reclaim.Guard;
import dev.reclaim.memory.Memory;
import java.util.function.LongSupplier;

/** {@link TreiberStack}: the container suite (its robust garbage bound: {@link TreiberStackStallTest}). */
class TreiberStackTest extends ContainerSuite {

    TreiberStackTest() {
        super((reclaimer, allocator) -> LongContainer.of(new TreiberStack(reclaimer, allocator)));
    }

    @Override
    LongSupplier protectNextRemoved(LongContainer stack, Guard g) {
        long node = g.protect(0, stack.rootAddress() + TreiberStackLayout.HEAD_OFFSET);
        return () -> Memory.getLong(node + TreiberStackLayout.VALUE_OFFSET);
    }
}
