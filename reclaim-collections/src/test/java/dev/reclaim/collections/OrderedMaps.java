package dev.reclaim.collections;

import dev.reclaim.Reclaimer;
import dev.reclaim.memory.SlabAllocator;

/**
 * The long-to-long maps behind one test interface, so that every functional, concurrent and torture test
 * runs against {@link HarrisMichaelList}, {@link LongHashMap} and {@link LongOpenHashMap}.
 */
enum OrderedMaps {
    /** {@link HarrisMichaelList}. */
    LIST,
    /** {@link LongHashMap} with a tiny first table, so that tests exercise growth. */
    MAP,
    /** {@link LongOpenHashMap} starting at 2 entries, so that tests (Lincheck included) exercise resizes. */
    OPEN;

    /** The operations the tests use, with the absent value of each structure passed through. */
    interface LongMap extends AutoCloseable {
        long get(long key, long absent);

        boolean containsKey(long key);

        long put(long key, long value, long absent);

        long putIfAbsent(long key, long value, long absent);

        long replaceIfPresent(long key, long value, long absent);

        boolean replace(long key, long expected, long value);

        long remove(long key, long absent);

        boolean removeIfEquals(long key, long expected);

        void forEach(LongLongConsumer action);

        long size();

        boolean isClosed();

        @Override
        void close();
    }

    LongMap create(Reclaimer reclaimer, SlabAllocator allocator) {
        return switch (this) {
            case LIST -> {
                HarrisMichaelList l = new HarrisMichaelList(reclaimer, allocator);
                yield new LongMap() {
                    public long get(long k, long a) { return l.get(k, a); }
                    public boolean containsKey(long k) { return l.containsKey(k); }
                    public long put(long k, long v, long a) { return l.put(k, v, a); }
                    public long putIfAbsent(long k, long v, long a) { return l.putIfAbsent(k, v, a); }
                    public long replaceIfPresent(long k, long v, long a) { return l.replaceIfPresent(k, v, a); }
                    public boolean replace(long k, long e, long v) { return l.replace(k, e, v); }
                    public long remove(long k, long a) { return l.remove(k, a); }
                    public boolean removeIfEquals(long k, long e) { return l.removeIfEquals(k, e); }
                    public void forEach(LongLongConsumer c) { l.forEach(c); }
                    public long size() { return l.size(); }
                    public boolean isClosed() { return l.isClosed(); }
                    public void close() { l.close(); }
                };
            }
            case MAP, OPEN -> {
                LongLongMap m = this == MAP ? new LongHashMap(reclaimer, allocator, 0)
                        : new LongOpenHashMap(reclaimer, allocator, 0, 2);
                yield new LongMap() {
                    public long get(long k, long a) { return m.get(k, a); }
                    public boolean containsKey(long k) { return m.containsKey(k); }
                    public long put(long k, long v, long a) { return m.put(k, v, a); }
                    public long putIfAbsent(long k, long v, long a) { return m.putIfAbsent(k, v, a); }
                    public long replaceIfPresent(long k, long v, long a) { return m.replaceIfPresent(k, v, a); }
                    public boolean replace(long k, long e, long v) { return m.replace(k, e, v); }
                    public long remove(long k, long a) { return m.remove(k, a); }
                    public boolean removeIfEquals(long k, long e) { return m.removeIfEquals(k, e); }
                    public void forEach(LongLongConsumer c) { m.forEach(c); }
                    public long size() { return m.size(); }
                    public boolean isClosed() { return m.isClosed(); }
                    public void close() { m.close(); }
                };
            }
        };
    }
}
