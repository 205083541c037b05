package dev.ssb.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import dev.ssb.worker.api.ModelConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One layer's q/k/v weights (and biases) concatenated along their output rows into {@code [q +
 * 2·kv, hidden]}, and gate/up into {@code [2·intermediate, hidden]}: one matrix product per group
 * instead of three and two. The separate Hugging Face names are kept as row views of these arrays,
 * so the weights are in memory once.
 */
final class FusedProjections implements AutoCloseable {
    static final String[] QKV = {"q_proj", "k_proj", "v_proj"};
    static final String[] GATE_UP = {"gate_proj", "up_proj"};

    private final NDArray qkv;
    private final NDArray qkvBias;
    private final NDArray gateUp;
    private final long[] qkvRows;
    private final long[] gateUpRows;
    private final List<String> viewNames;

    private FusedProjections(
            NDArray qkv,
            NDArray qkvBias,
            NDArray gateUp,
            long[] qkvRows,
            long[] gateUpRows,
            List<String> viewNames) {
        this.qkv = qkv;
        this.qkvBias = qkvBias;
        this.gateUp = gateUp;
        this.qkvRows = qkvRows;
        this.gateUpRows = gateUpRows;
        this.viewNames = Collections.unmodifiableList(viewNames);
    }

    /**
     * Concatenates layer {@code layer}'s projections of {@code params} and replaces their entries
     * there with row views of the result; the separate arrays are closed.
     */
    static FusedProjections fuse(ModelConfig config, int layer, Map<String, NDArray> params) {
        List<String> views = new ArrayList<>();
        NDArray qkv = fuse(params, names(layer, QKV, "weight"), views);
        List<String> biasNames = names(layer, QKV, "bias");
        NDArray qkvBias =
                params.containsKey(biasNames.get(0)) ? fuse(params, biasNames, views) : null;
        NDArray gateUp = fuse(params, names(layer, GATE_UP, "weight"), views);
        return new FusedProjections(
                qkv, qkvBias, gateUp, rows(config, QKV), rows(config, GATE_UP), views);
    }

    private static List<String> names(int layer, String[] modules, String kind) {
        List<String> out = new ArrayList<>();
        for (String m : modules) {
            out.add(WeightNames.layer(layer, WeightNames.block(m) + "." + m + "." + kind));
        }
        return out;
    }

    private static long[] rows(ModelConfig config, String[] modules) {
        long[] out = new long[modules.length];
        for (int i = 0; i < modules.length; i++) {
            out[i] = WeightNames.projectionShape(config, modules[i])[0];
        }
        return out;
    }

    private static NDArray fuse(
            Map<String, NDArray> params, List<String> names, List<String> views) {
        NDList parts = new NDList();
        for (String name : names) {
            parts.add(params.get(name));
        }
        NDArray fused = NDArrays.concat(parts, 0);
        long row = 0;
        for (String name : names) {
            NDArray part = params.get(name);
            long n = part.getShape().get(0);
            NDArray view = fused.get(new NDIndex("{}:{}", row, row + n));
            view.setName(name);
            params.put(name, view);
            part.close();
            views.add(name);
            row += n;
        }
        return fused;
    }

    /** {@code [q + 2·kv, hidden]}. */
    NDArray qkv() {
        return qkv;
    }

    /** {@code [q + 2·kv]}, or null without attention bias. */
    NDArray qkvBias() {
        return qkvBias;
    }

    /** {@code [2·intermediate, hidden]}. */
    NDArray gateUp() {
        return gateUp;
    }

    /** Output rows of q, k and v. */
    long[] qkvRows() {
        return qkvRows.clone();
    }

    /** Output rows of gate and up. */
    long[] gateUpRows() {
        return gateUpRows.clone();
    }

    /** The parameter names that are views of these arrays. */
    List<String> viewNames() {
        return viewNames;
    }

    /** Where {@code rows} split the fused output: the running sums but the last. */
    static long[] splitPoints(long[] rows) {
        long[] out = new long[rows.length - 1];
        long sum = 0;
        for (int i = 0; i < out.length; i++) {
            sum += rows[i];
            out[i] = sum;
        }
        return out;
    }

    @Override
    public void close() {
        qkv.close();
        if (qkvBias != null) {
            qkvBias.close();
        }
        gateUp.close();
    }
}
