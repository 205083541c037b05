package dev.ssb.compare;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * CPU time spent while it runs: this JVM's process CPU time (the driver and, on {@code local[*]},
 * the executors with their native PyTorch threads) plus, when executors are other JVMs, the
 * executor CPU time their finished tasks report to Spark.
 */
final class CpuClock implements AutoCloseable {

    private final SparkContext context;
    private final long processStart;
    private final AtomicLong executorNanos = new AtomicLong();
    private final SparkListener listener;

    private CpuClock(SparkContext context) {
        this.context = context;
        this.processStart = processCpuNanos();
        boolean remoteExecutors = !context.isLocal();
        this.listener =
                new SparkListener() {
                    @Override
                    public void onTaskEnd(SparkListenerTaskEnd end) {
                        if (remoteExecutors && end.taskMetrics() != null) {
                            executorNanos.addAndGet(end.taskMetrics().executorCpuTime());
                        }
                    }
                };
        context.addSparkListener(listener);
    }

    static CpuClock start(SparkContext context) {
        return new CpuClock(context);
    }

    /** CPU-seconds since {@link #start}. */
    double seconds() {
        return (processCpuNanos() - processStart + executorNanos.get()) / 1e9;
    }

    @Override
    public void close() {
        context.removeSparkListener(listener);
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime());
        }
        return 0;
    }
}
