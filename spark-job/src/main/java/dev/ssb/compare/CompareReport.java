package dev.ssb.compare;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ssb.eval.EvalSummary;
import dev.ssb.eval.Interval;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * A {@link CompareResult} as {@code compare/summary.json} and the Markdown table ({@code
 * summary-<tag>.json} when the evaluation has a tag, as the toy's dev and held-out splits do).
 */
final class CompareReport {

    static final String FILE_STEM = "summary";

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CompareReport() {}

    /** Writes both files into {@code dir}, named for the evaluation's {@code tag}. */
    static CompareRun.Outcome write(
            Configuration hadoop, Path dir, String tag, CompareResult result) {
        String markdown = markdown(result);
        String stem = tag.isEmpty() ? FILE_STEM : FILE_STEM + "-" + tag;
        Path json = new Path(dir, stem + ".json");
        Path md = new Path(dir, stem + ".md");
        writeBytes(hadoop, json, json(result));
        writeBytes(hadoop, md, markdown.getBytes(StandardCharsets.UTF_8));
        return new CompareRun.Outcome(markdown, json, md);
    }

    static String markdown(CompareResult result) {
        CompareRow first = result.rows().get(0);
        int k = first.sampled().samplesPerProblem();
        StringBuilder out = new StringBuilder();
        out.append(
                String.format(
                        Locale.ROOT,
                        "Compare run %s: %d problems; greedy = temperature 0, 1 sample; pass@1 and"
                                + " maj@%d over %d samples; differences from base paired by"
                                + " problem; 95%% intervals.%n%n",
                        result.runId(),
                        first.sampled().problems(),
                        k,
                        k));
        out.append(
                String.format(
                        "| method | lr | examples | train tokens | sampled tokens | CPU-s | greedy"
                                + " pass@1 | pass@1 | maj@%d | Δ greedy | Δ pass@1 | Δ maj@%d |%n",
                        k, k));
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (CompareRow r : result.rows()) {
            out.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %s | %d | %d | %d | %.0f | %s | %s | %s | %s | %s | %s |%n",
                            r.method(),
                            r.lr().isPresent()
                                    ? java.math.BigDecimal.valueOf(r.lr().getAsDouble())
                                            .stripTrailingZeros()
                                            .toPlainString()
                                    : "–",
                            r.examples(),
                            r.tokens(),
                            r.sampledTokens(),
                            r.cpuSeconds(),
                            r.greedy().percent(false),
                            r.sampled().passAt1().percent(false),
                            r.sampled().majority().percent(false),
                            difference(r.greedyDifference()),
                            difference(r.sampledDifference().map(EvalSummary.Difference::passAt1)),
                            difference(
                                    r.sampledDifference().map(EvalSummary.Difference::majority))));
        }
        result.versus()
                .ifPresent(
                        v -> {
                            out.append(
                                    String.format(
                                            "%nPaired by problem against %s (method − %s):%n%n",
                                            v.method(), v.method()));
                            out.append(
                                    String.format(
                                            "| method | Δ greedy | Δ pass@1 | Δ maj@%d |%n", k));
                            out.append("|---|---|---|---|\n");
                            v.differences()
                                    .forEach(
                                            (name, d) ->
                                                    out.append(
                                                            String.format(
                                                                    "| %s | %s | %s | %s |%n",
                                                                    name,
                                                                    difference(d.greedyPassAt1()),
                                                                    d.passAt1().percent(true),
                                                                    d.majority().percent(true))));
                        });
        String rollouts =
                result.rollouts() == 0
                        ? "Shared rollouts: none (no method asked reads them)."
                        : String.format(
                                Locale.ROOT,
                                "Shared rollouts: %d samples, %.0f CPU-s (not in any method's"
                                        + " CPU-s; their tokens are in the sampled tokens of the"
                                        + " methods that train from them).",
                                result.rollouts(),
                                result.rolloutCpuSeconds());
        out.append(
                String.format(
                        Locale.ROOT,
                        "%n%s Base identical in every method's evaluation: %s. Wall time %.1f"
                                + " min.%n",
                        rollouts,
                        result.baseConsistent() ? "yes" : "NO (check determinism)",
                        result.wallSeconds() / 60));
        return out.toString();
    }

    private static String difference(Optional<Interval> d) {
        return d.map(x -> x.percent(true)).orElse("–");
    }

    static byte[] json(CompareResult result) {
        ObjectNode root = JSON.createObjectNode();
        root.put("run_id", result.runId());
        root.put("rollouts", result.rollouts());
        root.put("rollout_cpu_seconds", result.rolloutCpuSeconds());
        root.put("base_consistent", result.baseConsistent());
        root.put("wall_seconds", result.wallSeconds());
        root.put("confidence", 0.95);
        ObjectNode methods = root.putObject("methods");
        for (CompareRow r : result.rows()) {
            ObjectNode m = methods.putObject(r.method());
            if (r.lr().isPresent()) {
                m.put("lr", r.lr().getAsDouble());
            } else {
                m.putNull("lr");
            }
            m.put("examples", r.examples());
            m.put("train_tokens", r.tokens());
            m.put("sampled_tokens", r.sampledTokens());
            m.put("cpu_seconds", r.cpuSeconds());
            m.put("problems", r.sampled().problems());
            m.put("k", r.sampled().samplesPerProblem());
            r.greedy().putInto(m, "greedy_pass_at_1");
            r.sampled().passAt1().putInto(m, "pass_at_1");
            r.sampled().majority().putInto(m, "maj_at_k");
            m.put("mean_tokens", r.sampled().meanTokens());
            r.greedyDifference().ifPresent(d -> d.putInto(m, "greedy_minus_base"));
            r.sampledDifference()
                    .ifPresent(
                            d -> {
                                d.passAt1().putInto(m, "pass_at_1_minus_base");
                                d.majority().putInto(m, "maj_at_k_minus_base");
                            });
            m.put("adapter", r.adapter().orElse(null));
            m.put("run", r.run());
        }
        result.versus()
                .ifPresent(
                        v -> {
                            ObjectNode versus = root.putObject("versus");
                            versus.put("method", v.method());
                            ObjectNode differences = versus.putObject("differences");
                            v.differences()
                                    .forEach(
                                            (name, d) -> {
                                                ObjectNode m = differences.putObject(name);
                                                d.greedyPassAt1()
                                                        .ifPresent(
                                                                x ->
                                                                        x.putInto(
                                                                                m,
                                                                                "greedy_pass_at_1"));
                                                d.passAt1().putInto(m, "pass_at_1");
                                                d.majority().putInto(m, "maj_at_k");
                                            });
                        });
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write compare summary", e);
        }
    }

    private static void writeBytes(Configuration hadoop, Path path, byte[] bytes) {
        try (OutputStream out = path.getFileSystem(hadoop).create(path, true)) {
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + path, e);
        }
    }
}
