package org.ksmlab.engine.memory;

import java.lang.System.Logger.Level;

/**
 * Chooses {@link PageCompare#best()} once, and says why when it falls back (Lucene's
 * {@code VectorizationProvider} logs the same decision).
 *
 * <p>This class must never touch a Vector API type itself: merely linking
 * {@link VectorPageCompare} loads {@code jdk.incubator.vector} classes, which throws
 * {@link NoClassDefFoundError} when the JVM was started without
 * {@code --add-modules=jdk.incubator.vector}. So the module check lives here, outside it.
 */
final class PageCompareSelector {
    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    /** The implementation {@link PageCompare#best()} returns for the life of this JVM. */
    static final PageCompare BEST = select();

    private PageCompareSelector() {
    }

    /** Whether the Vector API incubator module is resolved in the boot layer of this JVM. */
    static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    private static PageCompare select() {
        if (!vectorModulePresent()) {
            System.getLogger(PageCompare.class.getName()).log(Level.INFO,
                    "page compare falls back to scalar: module " + VECTOR_MODULE
                            + " is not resolved (start the JVM with --add-modules=" + VECTOR_MODULE + ")");
            return ScalarPageCompare.INSTANCE;
        }
        return VectorPageCompare.INSTANCE;
    }
}
