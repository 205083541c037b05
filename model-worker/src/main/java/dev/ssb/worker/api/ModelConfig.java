package dev.ssb.worker.api;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The architecture of a Qwen2/Qwen3/Llama-family decoder, as read from a checkpoint's {@code
 * config.json}.
 *
 * @param modelType {@code qwen2}, {@code qwen3} or {@code llama}
 * @param hiddenSize width of the residual stream
 * @param intermediateSize width of the SwiGLU MLP
 * @param numHiddenLayers number of decoder layers
 * @param numAttentionHeads query heads
 * @param numKeyValueHeads key/value heads (grouped-query attention); divides numAttentionHeads
 * @param headDim per-head width (hidden_size / num_attention_heads unless the config says)
 * @param ropeTheta rotary base
 * @param rmsNormEps RMSNorm epsilon
 * @param vocabSize rows of the embedding matrix (may exceed the tokenizer's vocabulary)
 * @param tieWordEmbeddings whether the LM head shares the embedding matrix
 * @param attentionBias whether the attention projections have a bias (qwen2: always, on q/k/v;
 *     llama and qwen3: q/k/v and o when {@code attention_bias} is set)
 * @param maxPositionEmbeddings longest supported sequence
 * @param bosTokenId beginning-of-sequence id, or -1
 * @param eosTokenIds end-of-sequence ids from config.json / generation_config.json
 * @param ropeScaling how rotary frequencies are rescaled ({@link RopeScaling#NONE} for plain)
 */
public record ModelConfig(
        String modelType,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int headDim,
        double ropeTheta,
        double rmsNormEps,
        int vocabSize,
        boolean tieWordEmbeddings,
        boolean attentionBias,
        int maxPositionEmbeddings,
        int bosTokenId,
        List<Integer> eosTokenIds,
        RopeScaling ropeScaling) {

    /** A config with plain rotary embeddings. */
    public ModelConfig(
            String modelType,
            int hiddenSize,
            int intermediateSize,
            int numHiddenLayers,
            int numAttentionHeads,
            int numKeyValueHeads,
            int headDim,
            double ropeTheta,
            double rmsNormEps,
            int vocabSize,
            boolean tieWordEmbeddings,
            boolean attentionBias,
            int maxPositionEmbeddings,
            int bosTokenId,
            List<Integer> eosTokenIds) {
        this(
                modelType,
                hiddenSize,
                intermediateSize,
                numHiddenLayers,
                numAttentionHeads,
                numKeyValueHeads,
                headDim,
                ropeTheta,
                rmsNormEps,
                vocabSize,
                tieWordEmbeddings,
                attentionBias,
                maxPositionEmbeddings,
                bosTokenId,
                eosTokenIds,
                RopeScaling.NONE);
    }

    public ModelConfig {
        requireNonNull(modelType, "modelType is null");
        requireNonNull(ropeScaling, "ropeScaling is null");
        eosTokenIds = List.copyOf(requireNonNull(eosTokenIds, "eosTokenIds is null"));
        positive(hiddenSize, "hidden_size");
        positive(intermediateSize, "intermediate_size");
        positive(numHiddenLayers, "num_hidden_layers");
        positive(numAttentionHeads, "num_attention_heads");
        positive(numKeyValueHeads, "num_key_value_heads");
        positive(headDim, "head_dim");
        positive(vocabSize, "vocab_size");
        positive(maxPositionEmbeddings, "max_position_embeddings");
        if (numAttentionHeads % numKeyValueHeads != 0) {
            throw new IllegalArgumentException(
                    String.format(
                            "Invalid num_key_value_heads: %s (must divide num_attention_heads %s)",
                            numKeyValueHeads, numAttentionHeads));
        }
        if (!(ropeTheta > 0)) {
            throw new IllegalArgumentException(
                    "Invalid rope_theta: " + ropeTheta + " (must be > 0)");
        }
        if (!(rmsNormEps > 0)) {
            throw new IllegalArgumentException(
                    "Invalid rms_norm_eps: " + rmsNormEps + " (must be > 0)");
        }
    }

    private static void positive(int value, String key) {
        if (value <= 0) {
            throw new IllegalArgumentException("Invalid " + key + ": " + value + " (must be > 0)");
        }
    }

    /** Whether queries and keys get a per-head RMSNorm before the rotary embedding (Qwen3). */
    public boolean qkNorm() {
        return modelType.equals("qwen3");
    }

    /** Whether the attention output projection has a bias (llama/qwen3 with attention_bias). */
    public boolean outputBias() {
        return attentionBias && !modelType.equals("qwen2");
    }

    /** The same architecture with other rotary scaling. */
    public ModelConfig withRopeScaling(RopeScaling value) {
        return new ModelConfig(
                modelType,
                hiddenSize,
                intermediateSize,
                numHiddenLayers,
                numAttentionHeads,
                numKeyValueHeads,
                headDim,
                ropeTheta,
                rmsNormEps,
                vocabSize,
                tieWordEmbeddings,
                attentionBias,
                maxPositionEmbeddings,
                bosTokenId,
                eosTokenIds,
                value);
    }

    /** Number of parameters of the base model (embeddings counted once when tied). */
    public long parameterCount() {
        long h = hiddenSize;
        long q = (long) numAttentionHeads * headDim;
        long kv = (long) numKeyValueHeads * headDim;
        long attn =
                h * q
                        + 2 * h * kv
                        + q * h
                        + (attentionBias ? q + 2 * kv : 0)
                        + (outputBias() ? h : 0)
                        + (qkNorm() ? 2L * headDim : 0);
        long mlp = 3 * h * intermediateSize;
        long layer = attn + mlp + 2 * h;
        long emb = (long) vocabSize * h;
        return numHiddenLayers * layer + h + emb + (tieWordEmbeddings ? 0 : emb);
    }
}
