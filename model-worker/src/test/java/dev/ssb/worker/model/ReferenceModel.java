package dev.ssb.worker.model;

import dev.ssb.worker.api.ModelConfig;
import dev.ssb.worker.api.RopeScaling;

/**
 * An independent plain-Java (double loops) transcription of Hugging Face's Qwen2/Qwen3/Llama
 * forward for one unpadded sequence: the golden reference for {@link Transformer}. Written from
 * transformers' {@code modeling_llama.py}, {@code modeling_qwen3.py} (q_norm/k_norm over each head
 * before the rotary embedding; o_proj bias = attention_bias) and {@code modeling_rope_utils.py}
 * ({@code _compute_default_rope_parameters}, {@code _compute_linear_scaling_rope_parameters},
 * {@code _compute_llama3_parameters}), all in double precision.
 */
final class ReferenceModel {
    private final ModelConfig c;
    private final InMemoryTensorSource w;

    ReferenceModel(ModelConfig config, InMemoryTensorSource weights) {
        this.c = config;
        this.w = weights;
    }

    /** Logits {@code [seq][vocab]} for token ids at positions 0..seq-1. */
    double[][] logits(int[] ids) {
        int n = ids.length;
        int h = c.hiddenSize();
        float[] emb = w.values("model.embed_tokens.weight");
        double[][] x = new double[n][h];
        for (int t = 0; t < n; t++) {
            for (int j = 0; j < h; j++) {
                x[t][j] = emb[ids[t] * h + j];
            }
        }
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            String p = "model.layers." + l + ".";
            double[][] hn = rmsNorm(x, w.values(p + "input_layernorm.weight"));
            double[][] q = linear(hn, p + "self_attn.q_proj");
            double[][] k = linear(hn, p + "self_attn.k_proj");
            double[][] v = linear(hn, p + "self_attn.v_proj");
            if (c.modelType().equals("qwen3")) {
                headNorm(q, c.numAttentionHeads(), w.values(p + "self_attn.q_norm.weight"));
                headNorm(k, c.numKeyValueHeads(), w.values(p + "self_attn.k_norm.weight"));
            }
            rope(q, c.numAttentionHeads());
            rope(k, c.numKeyValueHeads());
            double[][] attn = attention(q, k, v);
            double[][] o = linear(attn, p + "self_attn.o_proj");
            add(x, o);
            double[][] h2 = rmsNorm(x, w.values(p + "post_attention_layernorm.weight"));
            double[][] gate = linear(h2, p + "mlp.gate_proj");
            double[][] up = linear(h2, p + "mlp.up_proj");
            for (int t = 0; t < n; t++) {
                for (int j = 0; j < gate[t].length; j++) {
                    double g = gate[t][j];
                    gate[t][j] = g / (1 + Math.exp(-g)) * up[t][j];
                }
            }
            add(x, linear(gate, p + "mlp.down_proj"));
        }
        double[][] xn = rmsNorm(x, w.values("model.norm.weight"));
        String head = c.tieWordEmbeddings() ? "model.embed_tokens" : "lm_head";
        return linear(xn, head);
    }

    private double[][] rmsNorm(double[][] x, float[] weight) {
        double[][] out = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            double ss = 0;
            for (double v : x[t]) {
                ss += v * v;
            }
            double inv = 1 / Math.sqrt(ss / x[t].length + c.rmsNormEps());
            out[t] = new double[x[t].length];
            for (int j = 0; j < x[t].length; j++) {
                out[t][j] = x[t][j] * inv * weight[j];
            }
        }
        return out;
    }

    /** y = x·Wᵀ + b with W stored [out, in]. */
    private double[][] linear(double[][] x, String prefix) {
        float[] weight = w.values(prefix + ".weight");
        float[] bias = w.names().contains(prefix + ".bias") ? w.values(prefix + ".bias") : null;
        int in = x[0].length;
        int out = weight.length / in;
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < out; o++) {
                double s = bias == null ? 0 : bias[o];
                for (int i = 0; i < in; i++) {
                    s += x[t][i] * weight[o * in + i];
                }
                y[t][o] = s;
            }
        }
        return y;
    }

    /** Qwen3RMSNorm(head_dim) applied to each head's slice of every position. */
    private void headNorm(double[][] x, int heads, float[] weight) {
        int d = c.headDim();
        for (double[] row : x) {
            for (int hh = 0; hh < heads; hh++) {
                double ss = 0;
                for (int j = 0; j < d; j++) {
                    ss += row[hh * d + j] * row[hh * d + j];
                }
                double inv = 1 / Math.sqrt(ss / d + c.rmsNormEps());
                for (int j = 0; j < d; j++) {
                    row[hh * d + j] = row[hh * d + j] * inv * weight[j];
                }
            }
        }
    }

    /** modeling_rope_utils' inverse frequencies of dimension pair j, in double precision. */
    static double inverseFrequency(ModelConfig c, int j) {
        int d = c.headDim();
        double inv = 1 / Math.pow(c.ropeTheta(), 2.0 * j / d);
        RopeScaling s = c.ropeScaling();
        switch (s.type()) {
            case "linear":
                return inv / s.factor();
            case "llama3":
                double old = s.originalMaxPositionEmbeddings();
                double lowFreqWavelen = old / s.lowFreqFactor();
                double highFreqWavelen = old / s.highFreqFactor();
                double wavelen = 2 * Math.PI / inv;
                double scaled = wavelen > lowFreqWavelen ? inv / s.factor() : inv;
                double smooth =
                        (old / wavelen - s.lowFreqFactor())
                                / (s.highFreqFactor() - s.lowFreqFactor());
                double smoothed = (1 - smooth) * scaled / s.factor() + smooth * scaled;
                boolean medium = !(wavelen < highFreqWavelen) && !(wavelen > lowFreqWavelen);
                return medium ? smoothed : scaled;
            default:
                return inv;
        }
    }

    /** HF rotate_half convention: pairs (j, j + d/2) rotate by position · inv_freq(j). */
    private void rope(double[][] x, int heads) {
        int d = c.headDim();
        for (int t = 0; t < x.length; t++) {
            for (int hh = 0; hh < heads; hh++) {
                int base = hh * d;
                for (int j = 0; j < d / 2; j++) {
                    double angle = t * inverseFrequency(c, j);
                    double cos = Math.cos(angle);
                    double sin = Math.sin(angle);
                    double a = x[t][base + j];
                    double b = x[t][base + j + d / 2];
                    x[t][base + j] = a * cos - b * sin;
                    x[t][base + j + d / 2] = b * cos + a * sin;
                }
            }
        }
    }

    private double[][] attention(double[][] q, double[][] k, double[][] v) {
        int n = q.length;
        int d = c.headDim();
        int heads = c.numAttentionHeads();
        int group = heads / c.numKeyValueHeads();
        double[][] out = new double[n][heads * d];
        for (int hh = 0; hh < heads; hh++) {
            int kvBase = (hh / group) * d;
            for (int t = 0; t < n; t++) {
                double[] s = new double[t + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int u = 0; u <= t; u++) {
                    double dot = 0;
                    for (int j = 0; j < d; j++) {
                        dot += q[t][hh * d + j] * k[u][kvBase + j];
                    }
                    s[u] = dot / Math.sqrt(d);
                    max = Math.max(max, s[u]);
                }
                double sum = 0;
                for (int u = 0; u <= t; u++) {
                    s[u] = Math.exp(s[u] - max);
                    sum += s[u];
                }
                for (int u = 0; u <= t; u++) {
                    for (int j = 0; j < d; j++) {
                        out[t][hh * d + j] += s[u] / sum * v[u][kvBase + j];
                    }
                }
            }
        }
        return out;
    }

    private static void add(double[][] x, double[][] y) {
        for (int t = 0; t < x.length; t++) {
            for (int j = 0; j < x[t].length; j++) {
                x[t][j] += y[t][j];
            }
        }
    }
}
