package dev.ssb.distill;

import static java.util.Objects.requireNonNull;

import dev.ssb.worker.api.HostTensor;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Named float tensors in a Java-serializable form (AdamW moments and local-SGD parameters between
 * the driver and the executors).
 *
 * @param names tensor names, sorted
 * @param shapes shape of each tensor
 * @param data values of each tensor, row-major
 */
record TensorMap(List<String> names, List<long[]> shapes, List<float[]> data)
        implements Serializable {

    TensorMap {
        names = List.copyOf(requireNonNull(names, "names is null"));
        shapes = List.copyOf(requireNonNull(shapes, "shapes is null"));
        data = List.copyOf(requireNonNull(data, "data is null"));
        checkSizes("tensor map", names, shapes, data);
    }

    /** Refuses names, shapes and tensors of different counts; {@code what} names the holder. */
    static void checkSizes(
            String what, List<String> names, List<long[]> shapes, List<float[]> data) {
        if (names.size() != shapes.size() || names.size() != data.size()) {
            throw new IllegalArgumentException(
                    String.format(
                            "Invalid %s: %s names, %s shapes, %s tensors",
                            what, names.size(), shapes.size(), data.size()));
        }
    }

    /** A map sharing the arrays of {@code tensors} (serialization copies them). */
    static TensorMap of(Map<String, HostTensor> tensors) {
        TreeMap<String, HostTensor> sorted = new TreeMap<>(tensors);
        return new TensorMap(
                List.copyOf(sorted.keySet()),
                sorted.values().stream().map(HostTensor::shape).toList(),
                sorted.values().stream().map(HostTensor::data).toList());
    }

    /** Deep copies, by name. */
    Map<String, HostTensor> toMap() {
        Map<String, HostTensor> out = new TreeMap<>();
        for (int i = 0; i < names.size(); i++) {
            out.put(names.get(i), new HostTensor(shapes.get(i).clone(), data.get(i).clone()));
        }
        return out;
    }
}
