package dev.reclaim.arc;

/**
 * Every string of the classes whose code runs when a handle is released ({@link Arc}, {@link Counted},
 * {@link CollectorRelease}): error messages and descriptions.
 *
 * <p>Why a separate class: when a thread's invocation counters trigger the first C2 compilation of a method,
 * HotSpot resolves the still-unresolved string constants of that method's class on the requesting thread,
 * which allocates {@code String}s there. An {@code Arc} released on a realtime thread (its release action
 * handed to a {@link dev.reclaim.realtime.RealtimeCollector}) must not allocate, so the classes on that path
 * keep no string that only an error path would resolve (the realtime package does the same with its own
 * {@code Messages}; a test checks the constant pools).
 */
final class ArcMessages {

    private ArcMessages() {
    }

    static String typeName(Object value) {
        return value == null ? "null" : value.getClass().getName();
    }

    static IllegalStateException getAfterRelease(String type) {
        return new IllegalStateException("get() on a released Arc<" + type + ">; read the value before close(), or"
                + " retain() another handle if you need it longer");
    }

    static IllegalStateException releasedTwice(String type) {
        return new IllegalStateException("Arc<" + type + "> handle released twice; each handle (from of(),"
                + " retain(), loadFull(), upgrade()) must be closed exactly once");
    }

    static IllegalStateException transferOfReleased(String what, String type) {
        return new IllegalStateException(what + " of an Arc<" + type + "> that was already released; pass an open"
                + " handle (retain() one if you need to keep yours)");
    }

    /** Operation codes for {@link #useAfterRelease}: ints, because a string constant would sit in Arc's pool. */
    static final int RETAIN = 0;
    static final int MAP = 1;
    static final int DOWNGRADE = 2;

    static IllegalStateException useAfterRelease(int operation, String type) {
        String what = switch (operation) {
            case RETAIN -> "retain()";
            case MAP -> "map()";
            default -> "downgrade()";
        };
        return new IllegalStateException(what + " on a released Arc<" + type + ">; retain() before you release"
                + " the handle you retain from");
    }

    static NullPointerException nullProjection() {
        return new NullPointerException("Arc.map(projection): projection is null; pass a function of the value");
    }

    static String arcToString(boolean released, Object view, int strong) {
        return released ? "Arc[released]" : "Arc[" + view + ", strong=" + strong + "]";
    }

    static IllegalStateException retainOfReleased(String type) {
        return new IllegalStateException("retain of an Arc<" + type + "> whose value was already released; retain()"
                + " while you still hold an open handle");
    }

    static IllegalStateException overflow(String type) {
        return new IllegalStateException("Arc<" + type + "> strong count would overflow " + Integer.MAX_VALUE
                + "; a handle is retained in a loop without being released");
    }

    static IllegalStateException releasedMoreThanRetained(String type) {
        return new IllegalStateException("Arc<" + type + "> released more often than retained (count was already"
                + " zero); release each handle exactly once");
    }

    static ArcReleaseException releaserThrew(String type, Throwable t) {
        return new ArcReleaseException("the releaser of Arc<" + type + "> threw " + t + "; the value counts as"
                + " released and the releaser will not run again. Fix the releaser, or catch ArcReleaseException"
                + " where the last reference is closed", t);
    }

    static ArcReleaseException releaserThrewOnCollector(String type, String collector, Throwable t) {
        return new ArcReleaseException("the releaser of Arc<" + type + "> threw " + t + " on realtime collector '"
                + collector + "'; the value counts as released and the releaser will not run again. Fix the"
                + " releaser (the collector's failure handler receives this exception)", t);
    }

    static String collectorReleaseDescription(String type) {
        return "release of Arc<" + type + ">";
    }
}
