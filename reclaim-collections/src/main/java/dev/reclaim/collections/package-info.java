/**
 * Off-heap lock-free collections whose nodes live in a {@link dev.reclaim.memory.SlabAllocator} and are
 * reclaimed through any {@link dev.reclaim.Reclaimer}.
 */
package dev.reclaim.collections;
