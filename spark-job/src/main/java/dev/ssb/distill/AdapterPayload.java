package dev.ssb.distill;

import static java.util.Objects.requireNonNull;

import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.LoraConfig;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * A LoRA adapter in a Java-serializable form: what the driver broadcasts each step and what the
 * initialising task returns ({@link LoraAdapter} and {@link HostTensor} are plain records).
 *
 * @param rank LoRA r
 * @param alpha LoRA alpha
 * @param modules target modules
 * @param names PEFT tensor names, sorted
 * @param shapes shape of each tensor
 * @param data values of each tensor, row-major
 */
public record AdapterPayload(
        int rank,
        float alpha,
        List<String> modules,
        List<String> names,
        List<long[]> shapes,
        List<float[]> data)
        implements Serializable {

    public AdapterPayload {
        modules = List.copyOf(requireNonNull(modules, "modules is null"));
        names = List.copyOf(requireNonNull(names, "names is null"));
        shapes = List.copyOf(requireNonNull(shapes, "shapes is null"));
        data = List.copyOf(requireNonNull(data, "data is null"));
        TensorMap.checkSizes("adapter payload", names, shapes, data);
    }

    /** A payload sharing the arrays of {@code tensors} (serialization copies them). */
    public static AdapterPayload of(LoraConfig config, Map<String, HostTensor> tensors) {
        TensorMap sorted = TensorMap.of(tensors);
        return new AdapterPayload(
                config.rank(),
                config.alpha(),
                config.targetModules(),
                sorted.names(),
                sorted.shapes(),
                sorted.data());
    }

    public static AdapterPayload of(LoraAdapter adapter) {
        return of(adapter.config(), adapter.tensors());
    }

    /** Bytes of the tensors' float32 values: what a copy of the adapter weighs on the wire. */
    public long bytes() {
        return 4L * data.stream().mapToLong(d -> d.length).sum();
    }

    public LoraConfig config() {
        return new LoraConfig(rank, alpha, modules);
    }

    /** Deep copies of the tensors, by name: the driver's mutable parameters. */
    public Map<String, HostTensor> tensors() {
        return new TensorMap(names, shapes, data).toMap();
    }

    public LoraAdapter toAdapter() {
        return new LoraAdapter(config(), tensors());
    }
}
