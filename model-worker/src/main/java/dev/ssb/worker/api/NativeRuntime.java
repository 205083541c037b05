package dev.ssb.worker.api;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The native deep-learning runtime a JVM loaded, as {@code ssb doctor} reports it.
 *
 * @param djlVersion DJL's version
 * @param libtorchVersion the loaded libtorch's version
 * @param libtorchPath the folder libtorch was loaded from
 * @param flavor {@code cpu}, {@code cu128}, ... (from {@code PYTORCH_FLAVOR} or the folder name)
 * @param cuda whether the loaded libtorch has CUDA support
 * @param gpus the CUDA devices it sees
 * @param pytorchLibraryPath the {@code PYTORCH_LIBRARY_PATH} environment variable, or empty
 */
public record NativeRuntime(
        String djlVersion,
        String libtorchVersion,
        String libtorchPath,
        String flavor,
        boolean cuda,
        List<Gpu> gpus,
        String pytorchLibraryPath) {

    /**
     * One CUDA device.
     *
     * @param id CUDA device id
     * @param computeCapability e.g. {@code 90}
     * @param memoryBytes total device memory
     */
    public record Gpu(int id, String computeCapability, long memoryBytes) {}

    public NativeRuntime {
        requireNonNull(djlVersion, "djlVersion is null");
        requireNonNull(libtorchVersion, "libtorchVersion is null");
        requireNonNull(libtorchPath, "libtorchPath is null");
        requireNonNull(flavor, "flavor is null");
        gpus = List.copyOf(gpus);
        requireNonNull(pytorchLibraryPath, "pytorchLibraryPath is null");
    }
}
