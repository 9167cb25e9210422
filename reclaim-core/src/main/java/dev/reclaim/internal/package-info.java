/**
 * The shared skeleton of the reclamation schemes, exported only to the library's own modules; nothing here is
 * API. {@link dev.reclaim.internal.GuardTable} holds the guard-slot lifecycle every scheme uses (claim and
 * release, pooled guards, abandoned-guard recovery, close, stats), {@link dev.reclaim.internal.SlotTable} adds
 * the retired lists and scans of the list-based schemes, {@link dev.reclaim.internal.Reclamation} runs
 * deleters and counts failures, {@link dev.reclaim.internal.PooledGuard} holds the guards' misuse checks, and
 * {@link dev.reclaim.internal.AsymmetricFence} the light/heavy fence pair.
 */
package dev.reclaim.internal;
