package dev.ssb.distill;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Counts the task-result bytes the driver receives per distillation step: jobs started while the
 * local property {@link #STEP} is set are attributed to that step, and each of their tasks adds the
 * serialized size of its result ({@code TaskMetrics.resultSize}, what {@code
 * spark.driver.maxResultSize} limits).
 */
final class DriverTraffic extends SparkListener implements AutoCloseable {

    static final String STEP = "ssb.distill.step";

    private final SparkContext sc;
    private final Map<Integer, String> stageStep = new ConcurrentHashMap<>();
    private final Map<String, Long> bytes = new ConcurrentHashMap<>();

    private DriverTraffic(SparkContext sc) {
        this.sc = sc;
    }

    /** Starts counting on {@code sc}. */
    static DriverTraffic attach(SparkContext sc) {
        DriverTraffic t = new DriverTraffic(sc);
        sc.addSparkListener(t);
        return t;
    }

    /** Runs {@code body} with its jobs attributed to {@code step}. */
    <T> T during(String step, java.util.function.Supplier<T> body) {
        String before = sc.getLocalProperty(STEP);
        sc.setLocalProperty(STEP, step);
        try {
            return body.get();
        } finally {
            sc.setLocalProperty(STEP, before);
        }
    }

    /**
     * Result bytes of {@code step}'s tasks, once the listener bus has delivered their events.
     *
     * @throws IllegalStateException when the events do not arrive within a minute
     */
    long resultBytes(String step) {
        try {
            sc.listenerBus().waitUntilEmpty(60_000);
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "Cannot count the driver's bytes of step " + step + ": listener bus busy", e);
        }
        return bytes.getOrDefault(step, 0L);
    }

    @Override
    public void onJobStart(SparkListenerJobStart start) {
        String step = start.properties() == null ? null : start.properties().getProperty(STEP);
        if (step == null) {
            return;
        }
        for (Object id : CollectionConverters.asJava(start.stageIds())) {
            stageStep.put((Integer) id, step);
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        String step = stageStep.get(end.stageId());
        if (step != null && end.taskMetrics() != null) {
            bytes.merge(step, end.taskMetrics().resultSize(), Long::sum);
        }
    }

    @Override
    public void close() {
        sc.removeSparkListener(this);
    }
}
