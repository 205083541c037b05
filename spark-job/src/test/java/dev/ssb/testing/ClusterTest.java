package dev.ssb.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks tests that start a multi-process {@link StandaloneCluster}: slow (tens of seconds), few,
 * and still part of {@code mvn verify}. Select or skip them with {@code -Dgroups=cluster} / {@code
 * -DexcludedGroups=cluster}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(ClusterTest.TAG)
public @interface ClusterTest {
    /** The JUnit tag. */
    String TAG = "cluster";
}
