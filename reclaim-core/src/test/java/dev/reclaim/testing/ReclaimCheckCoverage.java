package dev.reclaim.testing;

import dev.reclaim.Reclaimer;
import dev.reclaim.memory.SlabAllocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.commons.annotation.Testable;

/**
 * Makes {@link ReclaimCheck} impossible to forget: lists the test classes of a package that run tests without a
 * {@code @RegisterExtension ReclaimCheck} field (declared, inherited or in an enclosing class), and every place
 * in the package's compiled classes that makes a reclaimer or an allocator itself instead of asking the check
 * (a call to {@code create()} or {@code build()} returning a {@link Reclaimer} or {@link SlabAllocator}, or a
 * constructor of one). The check's factory methods take method references ({@code RobustReclaimer::create}),
 * which are not calls and pass.
 *
 * <p>A module keeps one test that asserts {@code violationsInPackageOf(SomeTest.class)} is empty.
 */
public final class ReclaimCheckCoverage {

    private ReclaimCheckCoverage() {
    }

    /**
     * The violations among the compiled classes of {@code anchor}'s package (its directory of the class path,
     * e.g. {@code target/test-classes/dev/reclaim/collections}, nested classes included).
     *
     * @param anchor any class of the package, loaded from a directory
     * @return one line per violation; empty when every test uses the check
     */
    public static List<String> violationsInPackageOf(Class<?> anchor) {
        Path dir = classDirectory(anchor);
        String prefix = anchor.getPackageName().isEmpty() ? "" : anchor.getPackageName() + ".";
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                String simple = f.getFileName().toString().replace(".class", "");
                classes.add(Class.forName(prefix + simple, false, anchor.getClassLoader()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("a class file in " + dir + " does not load: " + e.getMessage(), e);
        }
        return violations(classes);
    }

    /**
     * The violations among {@code classes} (each checked on its own; nested classes are not added).
     *
     * @param classes compiled classes loaded from a directory of the class path
     * @return one line per violation; empty when every test uses the check
     */
    public static List<String> violations(List<Class<?>> classes) {
        List<String> out = new ArrayList<>();
        for (Class<?> c : classes) {
            if (c == ReclaimCheck.class) {
                continue;
            }
            if (runsTests(c) && !hasCheck(c)) {
                out.add(c.getName() + " runs tests but has no @RegisterExtension ReclaimCheck field: extend a suite"
                        + " that has one, or declare"
                        + " `@RegisterExtension final ReclaimCheck check = new ReclaimCheck();`");
            }
            out.addAll(directCreations(c));
        }
        return out;
    }

    private static boolean runsTests(Class<?> c) {
        if (Modifier.isAbstract(c.getModifiers()) || c.isInterface()) {
            return false;
        }
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            for (Method m : k.getDeclaredMethods()) {
                for (Annotation a : m.getAnnotations()) {
                    if (isTestable(a.annotationType(), new HashSet<>())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Whether {@code type} is {@code @Testable} or meta-annotated with it (as @Test and @ParameterizedTest are). */
    private static boolean isTestable(Class<? extends Annotation> type, Set<Class<?>> seen) {
        if (type == Testable.class) {
            return true;
        }
        if (!seen.add(type) || type.getName().startsWith("java.lang.annotation.")) {
            return false;
        }
        for (Annotation meta : type.getAnnotations()) {
            if (isTestable(meta.annotationType(), seen)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasCheck(Class<?> c) {
        for (Class<?> outer = c; outer != null; outer = outer.getEnclosingClass()) {
            for (Class<?> k = outer; k != null && k != Object.class; k = k.getSuperclass()) {
                for (Field f : k.getDeclaredFields()) {
                    if (f.getType() == ReclaimCheck.class && f.isAnnotationPresent(RegisterExtension.class)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static List<String> directCreations(Class<?> c) {
        ClassModel model;
        try (var in = c.getResourceAsStream(binarySimpleName(c) + ".class")) {
            if (in == null) {
                throw new IllegalStateException("no class file for " + c.getName());
            }
            model = ClassFile.of().parse(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> out = new ArrayList<>();
        for (MethodModel m : model.methods()) {
            if (m.code().isEmpty()) {
                continue;
            }
            for (CodeElement e : m.code().get()) {
                if (e instanceof InvokeInstruction call && createsResource(call, c.getClassLoader())) {
                    out.add(c.getName() + "." + m.methodName().stringValue() + " calls "
                            + call.owner().asSymbol().displayName() + "." + call.name().stringValue()
                            + "() directly: get reclaimers and allocators from the test's ReclaimCheck "
                            + "(check.reclaimer(scheme), check.reclaimer(Type::create), check.allocator(...))");
                }
            }
        }
        return out;
    }

    private static boolean createsResource(InvokeInstruction call, ClassLoader loader) {
        String name = call.name().stringValue();
        if (call.opcode() == Opcode.INVOKESPECIAL && name.equals("<init>")) {
            return isResource(call.owner().asSymbol(), loader);
        }
        return (name.equals("create") || name.equals("build") || call.opcode() == Opcode.INVOKESTATIC)
                && isResource(call.typeSymbol().returnType(), loader);
    }

    private static boolean isResource(ClassDesc type, ClassLoader loader) {
        if (!type.isClassOrInterface()) {
            return false;
        }
        String name = type.packageName().isEmpty() ? type.displayName()
                : type.packageName() + "." + type.displayName();
        try {
            Class<?> k = Class.forName(name, false, loader);
            return Reclaimer.class.isAssignableFrom(k) || SlabAllocator.class.isAssignableFrom(k);
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static String binarySimpleName(Class<?> c) {
        String n = c.getName();
        return n.substring(n.lastIndexOf('.') + 1);
    }

    private static Path classDirectory(Class<?> anchor) {
        try {
            Path root = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isDirectory(root)) {
                throw new IllegalArgumentException(anchor.getName() + " was loaded from " + root
                        + ", not from a directory; pass a class of the module's own test classes");
            }
            return root.resolve(anchor.getPackageName().replace('.', '/'));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
