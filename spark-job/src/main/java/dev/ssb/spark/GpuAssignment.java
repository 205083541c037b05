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

    private GpuAssignment() {}

    /** The device of the current task. */
    public static Device forCurrentTask(boolean useGpu, Device.DType dtype) {
        if (!useGpu) {
            return Device.cpu();
        }
        TaskContext ctx = TaskContext.get();
        if (ctx == null) {
            throw new IllegalStateException(
                    "Cannot choose a GPU: model.device=gpu outside a Spark task");
        }
        return choose(ctx.resourcesJMap(), dtype);
    }

    /**
     * The first GPU address among the task's resources.
     *
     * @throws IllegalStateException when the task was given no GPU, naming the setting to fix
     */
    static Device choose(Map<String, ResourceInformation> resources, Device.DType dtype) {
        ResourceInformation gpu = resources.get("gpu");
        if (gpu == null || gpu.addresses().length == 0) {
            throw new IllegalStateException(
                    "Cannot choose a GPU: model.device=gpu but the task was given none (set"
                            + " spark.executor.resource.gpu.amount and"
                            + " spark.task.resource.gpu.amount)");
        }
        String address = gpu.addresses()[0];
        try {
            return Device.gpu(Integer.parseInt(address.strip()), dtype);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(
                    "Cannot choose a GPU: address " + address + " is not a CUDA device id", e);
        }
    }
}
