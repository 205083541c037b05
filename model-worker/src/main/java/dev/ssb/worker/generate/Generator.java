package dev.ssb.worker.generate;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ssb.worker.api.FinishReason;
import dev.ssb.worker.api.GenerationRequest;
import dev.ssb.worker.api.SamplingParams;
import dev.ssb.worker.model.KvCache;
import dev.ssb.worker.model.Transformer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decode loop: prefills a left-padded batch of prompts into a KV cache, then generates one
 * token per step for every unfinished sequence. {@link Batching#CONTINUOUS} (the default) refills
 * the rows of finished sequences from the queue of pending requests (see {@link
 * ContinuousBatcher}); {@link Batching#STATIC} decodes fixed batches, dropping finished rows from
 * the cache once a quarter of the batch has finished, so they stop costing compute. Both give every
 * request the same tokens.
 *
 * <p>Prefill is chunked: a group of {@code rows} prompts is run {@link #prefillChunk} slots per
 * forward pass, so that rows × chunk stays within the prefill token budget ({@link
 * #DEFAULT_PREFILL_TOKENS} unless given) and a long prompt's activations do not grow with its
 * length.
 */
public final class Generator {
    private static final Logger LOG = LoggerFactory.getLogger(Generator.class);

    /** Token ids and why decoding stopped (ids include the stop token when STOP). */
    public record Result(int[] tokenIds, FinishReason finishReason) {
        public Result {
            requireNonNull(tokenIds, "tokenIds is null");
            requireNonNull(finishReason, "finishReason is null");
        }
    }

    /** How requests share the decode steps. */
    public enum Batching {
        /** Batches of up to {@code maxBatch} similar-length prompts, each run to its end. */
        STATIC,
        /**
         * A running batch of up to {@code maxBatch} sequences, refilled from the pending requests
         * as sequences finish.
         */
        CONTINUOUS
    }

    /**
     * Prompt slots (rows × chunk) per prefill forward pass by default: large enough that a pass
     * keeps a GPU's matrix units busy and the demo's prompt groups prefill in one or two passes,
     * small enough that a pass's activations stay in the hundreds of megabytes at 3B shapes.
     */
    public static final int DEFAULT_PREFILL_TOKENS = 8192;

    private final Transformer model;
    private final int validVocab;
    private final boolean[] stop;
    private final int prefillTokens;
    private long rowSteps;
    private long forwardPasses;

    /**
     * @param validVocab the tokenizer's vocabulary size: ids at or above it are never sampled
     * @param stopIds ids that end a sequence
     */
    public Generator(Transformer model, int validVocab, Collection<Integer> stopIds) {
        this(model, validVocab, stopIds, DEFAULT_PREFILL_TOKENS);
    }

    /**
     * @param validVocab the tokenizer's vocabulary size: ids at or above it are never sampled
     * @param stopIds ids that end a sequence
     * @param prefillTokens prompt slots (rows × chunk) per prefill forward pass, &gt;= 1; a group
     *     of more rows than this prefills one slot per pass
     */
    public Generator(
            Transformer model, int validVocab, Collection<Integer> stopIds, int prefillTokens) {
        if (prefillTokens < 1) {
            throw new IllegalArgumentException(
                    "Invalid prefill tokens: " + prefillTokens + " (must be >= 1)");
        }
        this.prefillTokens = prefillTokens;
        this.model = requireNonNull(model, "model is null");
        if (validVocab <= 0 || validVocab > model.config().vocabSize()) {
            throw new IllegalArgumentException(
                    String.format(
                            "Invalid vocab size: %s (must be in [1, %s])",
                            validVocab, model.config().vocabSize()));
        }
        this.validVocab = validVocab;
        this.stop = new boolean[model.config().vocabSize()];
        for (int id : stopIds) {
            if (id >= 0 && id < stop.length) {
                stop[id] = true;
            }
        }
    }

    /**
     * Generates for any number of requests with continuous batching, at most {@code maxBatch}
     * sequences at a time. Results are in request order and do not depend on {@code maxBatch}.
     */
    public List<Result> generate(
            List<GenerationRequest> requests, SamplingParams params, int maxBatch) {
        return generate(requests, params, maxBatch, Batching.CONTINUOUS);
    }

    /**
     * Generates for any number of requests, at most {@code maxBatch} sequences at a time, batched
     * as {@code batching} says. Results are in request order and depend neither on {@code maxBatch}
     * nor on {@code batching}.
     */
    public List<Result> generate(
            List<GenerationRequest> requests,
            SamplingParams params,
            int maxBatch,
            Batching batching) {
        if (maxBatch <= 0) {
            throw new IllegalArgumentException("Invalid max batch: " + maxBatch);
        }
        requireNonNull(batching, "batching is null");
        // the continuous loop does not track each row's seen ids: a repetition penalty decodes on
        // the static loop (same tokens either way, by construction of the per-request samplers)
        if (batching == Batching.CONTINUOUS && params.repetitionPenalty() == 1.0) {
            ContinuousBatcher batcher =
                    new ContinuousBatcher(model, validVocab, stop, params, maxBatch, prefillTokens);
            List<Result> results = batcher.run(requests);
            rowSteps += batcher.rowSteps();
            forwardPasses += batcher.forwardPasses();
            return results;
        }
        Integer[] byLength = IntStream.range(0, requests.size()).boxed().toArray(Integer[]::new);
        Arrays.sort(byLength, Comparator.comparingInt(i -> requests.get(i).promptIds().length));
        Result[] out = new Result[requests.size()];
        for (int from = 0; from < byLength.length; from += maxBatch) {
            int to = Math.min(byLength.length, from + maxBatch);
            List<GenerationRequest> batch = new ArrayList<>();
            for (int j = from; j < to; j++) {
                batch.add(requests.get(byLength[j]));
            }
            List<Result> results = generateBatch(batch, params);
            for (int j = from; j < to; j++) {
                out[byLength[j]] = results.get(j - from);
            }
        }
        return Arrays.asList(out);
    }

    /**
     * Cache rows times decode steps over all calls so far: the decode work done, live or not (a
     * measure of how well the batching keeps rows busy).
     */
    public long decodedRowSteps() {
        return rowSteps;
    }

    /**
     * Forward passes (prefill chunks and decode steps) over all calls so far: what a step's fixed
     * cost is paid for.
     */
    public long forwardPasses() {
        return forwardPasses;
    }

    /** Slots per prefill pass for a group of {@code rows} prompts: the budget over the rows. */
    static int prefillChunk(int prefillTokens, int rows) {
        return Math.max(1, prefillTokens / rows);
    }

    /** Decodes {@code requests} together as one batch. */
    public List<Result> generateBatch(List<GenerationRequest> requests, SamplingParams params) {
        int n = requests.size();
        if (n == 0) {
            return List.of();
        }
        long start = System.nanoTime();
        int[] lengths = requests.stream().mapToInt(r -> r.promptIds().length).toArray();
        int longest = Arrays.stream(lengths).max().orElseThrow();
        Sampler[] samplers = new Sampler[n];
        int[][] tokens = new int[n][params.maxNewTokens()];
        int[] counts = new int[n];
        FinishReason[] reasons = new FinishReason[n];
        BitSet[] seen = params.penalizesRepetition() ? new BitSet[n] : null;
        for (int i = 0; i < n; i++) {
            samplers[i] = new Sampler(params, requests.get(i).seed());
            if (seen != null) {
                seen[i] = new BitSet();
                for (int id : requests.get(i).promptIds()) {
                    seen[i].set(id);
                }
            }
        }
        int[] rows = IntStream.range(0, n).toArray(); // cache row -> request
        int unfinished = n;
        long generated = 0;
        try (KvCache cache = model.newCache(lengths, longest + params.maxNewTokens())) {
            int[] next;
            try (NDManager step = model.manager().newSubManager()) {
                long[] padded = new long[n * longest];
                for (int b = 0; b < n; b++) {
                    int[] p = requests.get(b).promptIds();
                    for (int t = 0; t < p.length; t++) {
                        padded[b * longest + longest - p.length + t] = p[t];
                    }
                }
                int chunk = prefillChunk(prefillTokens, n);
                forwardPasses += (longest + chunk - 1) / chunk;
                NDArray logits =
                        model.prefill(
                                cache,
                                step.create(padded, new Shape(n, longest)),
                                validVocab,
                                chunk);
                next = choose(logits, rows, samplers, reasons, params, seen);
            }
            while (true) {
                for (int r = 0; r < rows.length; r++) {
                    int req = rows[r];
                    if (reasons[req] != null) {
                        continue;
                    }
                    tokens[req][counts[req]++] = next[r];
                    generated++;
                    if (seen != null) {
                        seen[req].set(next[r]);
                    }
                    if (stop[next[r]]) {
                        reasons[req] = FinishReason.STOP;
                    } else if (counts[req] == params.maxNewTokens()) {
                        reasons[req] = FinishReason.LENGTH;
                    }
                    if (reasons[req] != null) {
                        unfinished--;
                    }
                }
                if (unfinished == 0) {
                    break;
                }
                if ((rows.length - unfinished) * 4 >= rows.length) {
                    int[] current = rows;
                    int[] keep =
                            IntStream.range(0, current.length)
                                    .filter(r -> reasons[current[r]] == null)
                                    .toArray();
                    int[] keptNext = new int[keep.length];
                    int[] keptRows = new int[keep.length];
                    for (int j = 0; j < keep.length; j++) {
                        keptNext[j] = next[keep[j]];
                        keptRows[j] = rows[keep[j]];
                    }
                    cache.keepRows(keep);
                    rows = keptRows;
                    next = keptNext;
                }
                rowSteps += rows.length;
                forwardPasses++;
                try (NDManager step = model.manager().newSubManager()) {
                    long[] ids = new long[rows.length];
                    for (int r = 0; r < rows.length; r++) {
                        ids[r] = next[r]; // finished rows feed their last token; ignored
                    }
                    NDArray logits =
                            model.decode(
                                    cache, step.create(ids, new Shape(rows.length, 1)), validVocab);
                    next = choose(logits, rows, samplers, reasons, params, seen);
                }
            }
        }
        List<Result> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            results.add(new Result(Arrays.copyOf(tokens[i], counts[i]), reasons[i]));
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        LOG.debug(
                "Generated {} tokens for {} sequences (longest prompt {}) in {} ms",
                generated,
                n,
                longest,
                ms);
        return results;
    }

    /**
     * Next token of every unfinished cache row ({@code rows[r]}: its request, or -1 for an empty
     * row) from logits {@code [rows, validVocab]}; top-k runs on the device so only {@code [rows,
     * k]} values cross to Java. With a repetition penalty ({@code seen} not null) the full rows
     * cross, are penalized over {@code seen} ids, then picked in Java.
     */
    static int[] choose(
            NDArray logits,
            int[] rows,
            Sampler[] samplers,
            FinishReason[] reasons,
            SamplingParams params,
            BitSet[] seen) {
        int n = rows.length;
        int vocab = (int) logits.getShape().get(1);
        int[] next = new int[n];
        if (seen != null) {
            float[] all = logits.toFloatArray();
            for (int r = 0; r < n; r++) {
                if (rows[r] >= 0 && reasons[rows[r]] == null) {
                    RepetitionPenalty.apply(
                            all, r * vocab, vocab, seen[rows[r]], params.repetitionPenalty());
                    next[r] = samplers[rows[r]].pick(all, r * vocab, null, vocab);
                }
            }
        } else if (params.isGreedy()) {
            long[] ids = logits.argMax(1).toLongArray(); // first maximum: ties go to the lowest id
            for (int r = 0; r < n; r++) {
                next[r] = (int) ids[r];
            }
        } else if (params.topK() > 0 && params.topK() < vocab) {
            int k = params.topK();
            NDList top = logits.topK(k, 1, true, true);
            float[] values = top.get(0).toType(DataType.FLOAT32, false).toFloatArray();
            long[] ids = top.get(1).toLongArray();
            int[] rowIds = new int[k];
            for (int r = 0; r < n; r++) {
                if (rows[r] >= 0 && reasons[rows[r]] == null) {
                    for (int j = 0; j < k; j++) {
                        rowIds[j] = (int) ids[r * k + j];
                    }
                    next[r] = samplers[rows[r]].pick(values, r * k, rowIds, k);
                }
            }
        } else {
            float[] all = logits.toFloatArray();
            for (int r = 0; r < n; r++) {
                if (rows[r] >= 0 && reasons[rows[r]] == null) {
                    next[r] = samplers[rows[r]].pick(all, r * vocab, null, vocab);
                }
            }
        }
        return next;
    }
}
