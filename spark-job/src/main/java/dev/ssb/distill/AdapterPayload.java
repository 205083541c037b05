package dev.ssb.distill;

import static java.util.Objects.requireNonNull;

import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.LoraConfig;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
        if (names.size() != shapes.size() || names.size() != data.size()) {
            throw new IllegalArgumentException(
                    String.format(
                            "Invalid adapter payload: %s names, %s shapes, %s tensors",
                            names.size(), shapes.size(), data.size()));
        }
    }

    /** A payload sharing the arrays of {@code tensors} (serialization copies them). */
    public static AdapterPayload of(LoraConfig config, Map<String, HostTensor> tensors) {
        TreeMap<String, HostTensor> sorted = new TreeMap<>(tensors);
        return new AdapterPayload(
                config.rank(),
                config.alpha(),
                config.targetModules(),
                List.copyOf(sorted.keySet()),
                sorted.values().stream().map(HostTensor::shape).toList(),
                sorted.values().stream().map(HostTensor::data).toList());
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
        Map<String, HostTensor> out = new TreeMap<>();
        for (int i = 0; i < names.size(); i++) {
            out.put(names.get(i), new HostTensor(shapes.get(i).clone(), data.get(i).clone()));
        }
        return out;
    }

    public LoraAdapter toAdapter() {
        return new LoraAdapter(config(), tensors());
    }
}
