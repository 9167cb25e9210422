/**
 * Helpers shared by the schemes: slot selection, waiting, diagnostics. Not exported by the module; nothing
 * here is API.
 */
package dev.reclaim.internal;
