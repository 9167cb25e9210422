package dev.reclaim.arc;

/**
 * One leaked {@link Arc} handle, found by the {@link ArcLeakDetector}: the handle became unreachable without
 * being released. The detector released it when it reported it.
 *
 * @param valueType      the class name of the value
 * @param allocationSite a throwable whose stack trace is where the handle was created (Arc.of, retain, loadFull,
 *                       upgrade)
 */
public record ArcLeak(String valueType, Throwable allocationSite) {

    /**
     * The one-line description: which handle leaked and the fix.
     *
     * @return e.g. {@code Arc<Config> was never released (released now by the leak detector); fix: ...}
     */
    public String summary() {
        return "Arc<" + valueType + "> was never released (released now by the leak detector); fix: close it with"
                + " try-with-resources (its creation site is the logged throwable)";
    }

    /**
     * A one-line description followed by the allocation site's frames.
     *
     * @return the report text
     */
    public String describe() {
        StringBuilder b = new StringBuilder("Arc<").append(valueType)
                .append("> was never released (released now by the leak detector); fix: close it with try-with-resources."
                        + " Created at:");
        for (StackTraceElement e : allocationSite.getStackTrace()) {
            b.append("\n\tat ").append(e);
        }
        return b.toString();
    }
}
