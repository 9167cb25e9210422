package dev.reclaim.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Looks up the VarHandle of a field in a static initializer, turning the checked lookup failure (a renamed
 * field: a build error in all but name) into an {@link ExceptionInInitializerError}.
 */
public final class FieldHandles {

    private FieldHandles() {
    }

    /**
     * The VarHandle of field {@code name} of type {@code type} declared by {@code holder}.
     *
     * @param lookup a lookup with private access to {@code holder} (the caller's {@code MethodHandles.lookup()})
     * @param holder the class declaring the field
     * @param name   the field's name
     * @param type   the field's type
     * @return the handle
     * @throws ExceptionInInitializerError if there is no such field
     */
    public static VarHandle of(MethodHandles.Lookup lookup, Class<?> holder, String name, Class<?> type) {
        try {
            return lookup.findVarHandle(holder, name, type);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
