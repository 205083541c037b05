package dev.ssb.spark;

import dev.ssb.worker.api.Device;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * Where a task's model runs: the CPU, or the GPU address Spark assigned to the task ({@code
 * spark.task.resource.gpu.amount}, read from {@link TaskContext#resourcesJMap()}).
 */
public final class GpuAssignment {

    /**
     * The Spark local property carrying {@code model.device_fallback} to the tasks of a stage (set
     * by {@code StageOutput.run}); {@code cpu} lets a GPU task run on the CPU when libtorch has no
     * CUDA, anything else fails it.
     */
    public static final String FALLBACK_PROPERTY = "ssb.model.device_fallback";

    private GpuAssignment() {}

    /**
     * The device of the current task. A GPU device fails at model load when libtorch cannot see it,
     * unless the stage's {@link #FALLBACK_PROPERTY} is {@code cpu}.
     */
    public static Device forCurrentTask(boolean useGpu, Device.DType dtype) {
        if (!useGpu) {
            return Device.cpu();
        }
        TaskContext ctx = TaskContext.get();
        if (ctx == null) {
            throw new IllegalStateException(
                    "Cannot choose a GPU: model.device=gpu outside a Spark task");
        }
        return choose(ctx.resourcesJMap(), dtype)
                .withCpuFallback("cpu".equals(ctx.getLocalProperty(FALLBACK_PROPERTY)));
    }

    /**
     * The task's single GPU address (see {@link GpuPlacement}) as a device.
     *
     * @throws IllegalStateException when the task was given no GPU, naming the setting to fix
     */
    static Device choose(Map<String, ResourceInformation> resources, Device.DType dtype) {
        int id = GpuPlacement.gpuId(resources);
        if (id == GpuPlacement.NO_GPU) {
            throw new IllegalStateException(
                    "Cannot choose a GPU: model.device=gpu but the task was given none (set"
                            + " spark.executor.resource.gpu.amount and"
                            + " spark.task.resource.gpu.amount)");
        }
        return Device.gpu(id, dtype);
    }
}
