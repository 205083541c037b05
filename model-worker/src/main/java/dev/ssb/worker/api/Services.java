package dev.ssb.worker.api;

import java.util.ServiceLoader;

/**
 * Finds the implementations of this package's service interfaces with {@link ServiceLoader}, so
 * that the api compiles against no other package of ssb (each implementation is listed in {@code
 * META-INF/services/<interface name>} of the jar that holds it).
 */
final class Services {

    /** One instance per stateless service interface and class loader. */
    private static final ClassValue<Object> CACHE =
            new ClassValue<>() {
                @Override
                protected Object computeValue(Class<?> type) {
                    return find(type);
                }
            };

    private Services() {}

    /** A new instance of the first implementation of {@code type} on its class loader. */
    static <T> T find(Class<T> type) {
        return ServiceLoader.load(type, type.getClassLoader())
                .findFirst()
                .orElseThrow(
                        () ->
                                new IllegalStateException(
                                        "Cannot find a "
                                                + type.getSimpleName()
                                                + " implementation on the classpath"));
    }

    /** {@link #find}, once: for stateless services called often (verifiers, adapter files). */
    static <T> T cached(Class<T> type) {
        return type.cast(CACHE.get(type));
    }
}
