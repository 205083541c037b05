package dev.ssb.worker.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ssb.worker.api.FinishReason;
import dev.ssb.worker.api.GenerationRequest;
import dev.ssb.worker.api.SamplingParams;
import dev.ssb.worker.model.KvCache;
import dev.ssb.worker.model.Transformer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous batching: a running batch of at most {@code maxBatch} cache rows, refilled from the
 * pending requests (shortest prompts first) as sequences finish, so that decode steps work on live
 * sequences instead of waiting for the longest reply of a static batch.
 *
 * <p>Newly admitted prompts are prefilled together in a cache of their own and then moved into the
 * freed rows ({@link KvCache#admit}), right-aligned to the running batch's slot clock: each row has
 * its own padding, hence its own positions and attention mask, and each request its own {@link
 * Sampler} seeded from the request, so a request gets the tokens it gets alone or in a static
 * batch. Admission waits until {@link #admitThreshold} rows are free (a prefill costs about one
 * decode step), unless no row is live. Once the queue is empty, finished rows are dropped as in the
 * static loop.
 */
final class ContinuousBatcher {
    private static final Logger LOG = LoggerFactory.getLogger(ContinuousBatcher.class);

    private final Transformer model;
    private final int validVocab;
    private final boolean[] stop;
    private final SamplingParams params;
    private final int maxBatch;
    private final int admitThreshold;
    private final int prefillTokens;

    private List<GenerationRequest> requests;
    private Sampler[] samplers;
    private int[][] tokens;
    private int[] counts;
    private FinishReason[] reasons;
    private int[] rows; // cache row -> request, -1 when empty
    private long rowSteps;
    private long prefills;
    private long decodeSteps;

    ContinuousBatcher(
            Transformer model,
            int validVocab,
            boolean[] stop,
            SamplingParams params,
            int maxBatch,
            int prefillTokens) {
        this.prefillTokens = prefillTokens;
        this.model = model;
        this.validVocab = validVocab;
        this.stop = stop;
        this.params = params;
        this.maxBatch = maxBatch;
        this.admitThreshold = Math.max(1, maxBatch / 8);
    }

    /** Cache rows times decode steps of the last {@link #run} (the decode work done). */
    long rowSteps() {
        return rowSteps;
    }

    /** Prefill passes (one per chunk) and decode steps of the last {@link #run}. */
    long forwardPasses() {
        return prefills + decodeSteps;
    }

    List<Generator.Result> run(List<GenerationRequest> requests) {
        int n = requests.size();
        if (n == 0) {
            return List.of();
        }
        long start = System.nanoTime();
        this.requests = requests;
        samplers = new Sampler[n];
        tokens = new int[n][];
        counts = new int[n];
        reasons = new FinishReason[n];
        rowSteps = 0;
        prefills = 0;
        decodeSteps = 0;
        int[] order =
                IntStream.range(0, n)
                        .boxed()
                        .sorted(Comparator.comparingInt(i -> requests.get(i).promptIds().length))
                        .mapToInt(Integer::intValue)
                        .toArray();
        int queued = Math.min(maxBatch, n);
        rows = Arrays.copyOf(order, queued);
        int longest = requests.get(order[queued - 1]).promptIds().length;
        KvCache cache = model.newCache(lengths(rows), longest + params.maxNewTokens());
        try {
            int[] next = prefill(cache, rows);
            for (int r = 0; r < rows.length; r++) {
                record(r, next[r]);
            }
            while (true) {
                queued = admit(cache, order, queued);
                if (queued == n && !dropFinished(cache)) {
                    break;
                }
                decode(cache);
            }
        } finally {
            cache.close();
        }
        List<Generator.Result> results = new ArrayList<>(n);
        long generated = 0;
        for (int i = 0; i < n; i++) {
            results.add(new Generator.Result(Arrays.copyOf(tokens[i], counts[i]), reasons[i]));
            generated += counts[i];
        }
        LOG.debug(
                "Generated {} tokens for {} sequences in {} ms: {} prefills, {} decode steps, {}"
                        + " row-steps",
                generated,
                n,
                (System.nanoTime() - start) / 1_000_000,
                prefills,
                decodeSteps,
                rowSteps);
        return results;
    }

    /** Fills free rows from {@code order[queued...]}; returns the new queue position. */
    private int admit(KvCache cache, int[] order, int queued) {
        while (queued < order.length) {
            int[] free = IntStream.range(0, rows.length).filter(r -> !live(r)).toArray();
            boolean idle = free.length == rows.length;
            if (free.length == 0 || (!idle && free.length < admitThreshold)) {
                return queued;
            }
            int k = Math.min(free.length, order.length - queued);
            int[] group = Arrays.copyOfRange(order, queued, queued + k);
            queued += k;
            int[] lengths = lengths(group);
            boolean[] keep = new boolean[rows.length];
            for (int r = 0; r < rows.length; r++) {
                keep[r] = live(r);
            }
            int[] first;
            try (KvCache fresh =
                    model.newCache(lengths, Arrays.stream(lengths).max().orElseThrow())) {
                first = prefill(fresh, group);
                cache.admit(Arrays.copyOf(free, k), fresh, keep, params.maxNewTokens());
            }
            for (int i = 0; i < k; i++) {
                rows[free[i]] = group[i];
                record(free[i], first[i]);
            }
        }
        return queued;
    }

    /**
     * With the queue empty: drops finished rows once they are a quarter of the batch; false when no
     * row is live.
     */
    private boolean dropFinished(KvCache cache) {
        int[] keep = IntStream.range(0, rows.length).filter(this::live).toArray();
        if (keep.length == 0) {
            return false;
        }
        if ((rows.length - keep.length) * 4 >= rows.length) {
            cache.keepRows(keep);
            int[] kept = new int[keep.length];
            for (int j = 0; j < keep.length; j++) {
                kept[j] = rows[keep[j]];
            }
            rows = kept;
        }
        return true;
    }

    /**
     * Prefills {@code group}'s prompts, left-padded, into the empty {@code cache}, in chunks that
     * keep rows × chunk within the prefill token budget.
     */
    private int[] prefill(KvCache cache, int[] group) {
        int longest = Arrays.stream(lengths(group)).max().orElseThrow();
        long[] padded = new long[group.length * longest];
        for (int b = 0; b < group.length; b++) {
            int req = group[b];
            int[] p = requests.get(req).promptIds();
            System.arraycopy(toLongs(p), 0, padded, b * longest + longest - p.length, p.length);
            samplers[req] = new Sampler(params, requests.get(req).seed());
            tokens[req] = new int[params.maxNewTokens()];
        }
        int chunk = Generator.prefillChunk(prefillTokens, group.length);
        prefills += (longest + chunk - 1) / chunk;
        try (NDManager step = model.manager().newSubManager()) {
            NDArray logits =
                    model.prefill(
                            cache,
                            step.create(padded, new Shape(group.length, longest)),
                            validVocab,
                            chunk);
            return Generator.choose(logits, group, samplers, reasons, params, null);
        }
    }

    /** One token for every row; rows without a live sequence feed a dummy id and are ignored. */
    private void decode(KvCache cache) {
        long[] ids = new long[rows.length];
        for (int r = 0; r < rows.length; r++) {
            ids[r] = live(r) ? tokens[rows[r]][counts[rows[r]] - 1] : 0;
        }
        rowSteps += rows.length;
        decodeSteps++;
        int[] next;
        try (NDManager step = model.manager().newSubManager()) {
            NDArray logits =
                    model.decode(cache, step.create(ids, new Shape(rows.length, 1)), validVocab);
            next = Generator.choose(logits, rows, samplers, reasons, params, null);
        }
        for (int r = 0; r < rows.length; r++) {
            if (live(r)) {
                record(r, next[r]);
            }
        }
    }

    private void record(int row, int token) {
        int req = rows[row];
        tokens[req][counts[req]++] = token;
        if (stop[token]) {
            reasons[req] = FinishReason.STOP;
        } else if (counts[req] == params.maxNewTokens()) {
            reasons[req] = FinishReason.LENGTH;
        }
    }

    private boolean live(int row) {
        return rows[row] >= 0 && reasons[rows[row]] == null;
    }

    private int[] lengths(int[] group) {
        return Arrays.stream(group).map(i -> requests.get(i).promptIds().length).toArray();
    }

    private static long[] toLongs(int[] ids) {
        return Arrays.stream(ids).asLongStream().toArray();
    }
}
