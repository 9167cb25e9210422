package dev.reclaim.collections;

import dev.reclaim.testing.ReclaimCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The public structures show no package-private type in their hierarchy (a user's IDE, javadoc and reflection
 * see every supertype), and the shared base cannot be extended outside this package.
 */
class PublicHierarchyTest {

    /** Required of every test class of this package (it makes nothing for the check to verify). */
    @RegisterExtension
    final ReclaimCheck check = new ReclaimCheck();

    private static final List<Class<?>> STRUCTURES = List.of(TreiberStack.class, MichaelScottQueue.class,
            HarrisMichaelList.class, LongHashMap.class, LongOpenHashMap.class, BytesHashMap.class);

    @Test
    void everySupertypeOfAPublicStructureIsPublic() {
        List<String> hidden = new ArrayList<>();
        for (Class<?> s : STRUCTURES) {
            for (Class<?> c = s; c != null; c = c.getSuperclass()) {
                collectHidden(s, c, hidden);
                for (Class<?> i : c.getInterfaces()) {
                    collectHidden(s, i, hidden);
                }
            }
        }
        assertEquals(List.of(), hidden, String.join("\n", hidden));
    }

    @Test
    void theSharedBaseCannotBeExtendedOutsideThePackage() {
        for (var k : OffHeapCollection.class.getDeclaredConstructors()) {
            assertFalse(Modifier.isPublic(k.getModifiers()) || Modifier.isProtected(k.getModifiers()),
                    "a public or protected constructor lets other code extend OffHeapCollection: " + k);
        }
    }

    private static void collectHidden(Class<?> structure, Class<?> type, List<String> hidden) {
        if (!Modifier.isPublic(type.getModifiers())) {
            hidden.add(type.getName() + " is in " + structure.getSimpleName() + "'s public hierarchy but not public");
        }
    }
}
