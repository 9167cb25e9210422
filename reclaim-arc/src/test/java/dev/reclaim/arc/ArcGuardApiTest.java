package dev.reclaim.arc;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Modifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The public type a load returns shows no package-private type in its hierarchy. */
class ArcGuardApiTest {

    @Test
    void arcGuardsHierarchyIsPublicAndItCannotBeSubclassedOutsideTheLibrary() {
        for (Class<?> c = ArcGuard.class; c != null; c = c.getSuperclass()) {
            assertTrue(Modifier.isPublic(c.getModifiers()), c + " is in ArcGuard's public hierarchy but not public");
        }
        for (Class<?> i : ArcGuard.class.getInterfaces()) {
            assertTrue(Modifier.isPublic(i.getModifiers()), i + " is not public");
        }
        assertEquals(Object.class, ArcGuard.class.getSuperclass());
        for (var k : ArcGuard.class.getDeclaredConstructors()) {
            assertTrue(!Modifier.isPublic(k.getModifiers()) && !Modifier.isProtected(k.getModifiers()),
                    "a public or protected constructor lets other code make guards: " + k);
        }
        try (ArcSwap<String> swap = ArcSwap.of(Arc.of("v", v -> { })); ArcGuard<String> g = swap.load()) {
            assertEquals("v", g.get());
        }
    }
}
