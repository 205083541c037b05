package dev.ssb.spark;

import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * The GPU a Spark task must use: the single {@code gpu} address the scheduler gave it ({@code
 * spark.executor.resource.gpu.amount} / {@code spark.task.resource.gpu.amount}), or none.
 */
public final class GpuPlacement {

    /** Returned when the task was given no GPU: run on the CPU. */
    public static final int NO_GPU = -1;

    private static final String GPU = "gpu";

    private GpuPlacement() {}

    /**
     * The CUDA device id assigned to the current task, or {@link #NO_GPU} outside a task or when
     * the task was given no GPU.
     *
     * @throws IllegalStateException when the task was given several GPUs or a non-numeric address
     */
    public static int gpuIdForTask() {
        TaskContext ctx = TaskContext.get();
        return ctx == null ? NO_GPU : gpuId(ctx.resourcesJMap());
    }

    /** The device id in a task's resources; see {@link #gpuIdForTask()}. */
    static int gpuId(Map<String, ResourceInformation> resources) {
        ResourceInformation gpu = resources.get(GPU);
        if (gpu == null || gpu.addresses().length == 0) {
            return NO_GPU;
        }
        String[] addresses = gpu.addresses();
        if (addresses.length > 1) {
            // one model per task: a second address would be held but never used
            throw new IllegalStateException(
                    String.format(
                            "Invalid GPU assignment: the task was given %d GPUs %s (set"
                                    + " spark.task.resource.gpu.amount to 1 or a fraction)",
                            addresses.length, String.join(",", addresses)));
        }
        String address = addresses[0].strip();
        try {
            int id = Integer.parseInt(address);
            if (id < 0) {
                throw new NumberFormatException("negative");
            }
            return id;
        } catch (NumberFormatException e) {
            throw new IllegalStateException(
                    String.format(
                            "Invalid GPU address: %s (must be a CUDA device index >= 0)", address),
                    e);
        }
    }
}
