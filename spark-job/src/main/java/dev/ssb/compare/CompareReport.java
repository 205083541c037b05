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

/** A {@link CompareResult} as {@code compare/summary.json} and the Markdown table. */
final class CompareReport {

    static final String JSON_FILE = "summary.json";
    static final String MD_FILE = "summary.md";

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CompareReport() {}

    /** Writes both files into {@code dir}. */
    static CompareRun.Outcome write(Configuration hadoop, Path dir, CompareResult result) {
        String markdown = markdown(result);
        Path json = new Path(dir, JSON_FILE);
        Path md = new Path(dir, MD_FILE);
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
                            percent(r.greedy(), false),
                            percent(r.sampled().passAt1(), false),
                            percent(r.sampled().majority(), false),
                            difference(r.greedyDifference()),
                            difference(r.sampledDifference().map(EvalSummary.Difference::passAt1)),
                            difference(
                                    r.sampledDifference().map(EvalSummary.Difference::majority))));
        }
        out.append(
                String.format(
                        Locale.ROOT,
                        "%nShared rollouts: %d samples, %.0f CPU-s (not in any method's CPU-s;"
                                + " their tokens are in the sampled tokens of the methods that"
                                + " train from them)."
                                + " Base identical in every method's evaluation: %s. Wall time"
                                + " %.1f min.%n",
                        result.rollouts(),
                        result.rolloutCpuSeconds(),
                        result.baseConsistent() ? "yes" : "NO (check determinism)",
                        result.wallSeconds() / 60));
        return out.toString();
    }

    private static String difference(Optional<Interval> d) {
        return d.map(x -> percent(x, true)).orElse("–");
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
            put(m, "greedy_pass_at_1", r.greedy());
            put(m, "pass_at_1", r.sampled().passAt1());
            put(m, "maj_at_k", r.sampled().majority());
            m.put("mean_tokens", r.sampled().meanTokens());
            r.greedyDifference().ifPresent(d -> put(m, "greedy_minus_base", d));
            r.sampledDifference()
                    .ifPresent(
                            d -> {
                                put(m, "pass_at_1_minus_base", d.passAt1());
                                put(m, "maj_at_k_minus_base", d.majority());
                            });
            m.put("adapter", r.adapter().orElse(null));
            m.put("run", r.run());
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write compare summary", e);
        }
    }

    private static void put(ObjectNode parent, String name, Interval interval) {
        ObjectNode node = parent.putObject(name);
        node.put("estimate", interval.estimate());
        node.put("lower", interval.lower());
        node.put("upper", interval.upper());
        node.put("method", interval.method());
    }

    /** {@code 30.0% (27.0–33.1)}, or signed points {@code +11.7 pp (+9.3, +14.1)}. */
    static String percent(Interval i, boolean signed) {
        return signed
                ? String.format(
                        Locale.ROOT,
                        "%+.1f pp (%+.1f, %+.1f)",
                        100 * i.estimate(),
                        100 * i.lower(),
                        100 * i.upper())
                : String.format(
                        Locale.ROOT,
                        "%.1f%% (%.1f–%.1f)",
                        100 * i.estimate(),
                        100 * i.lower(),
                        100 * i.upper());
    }

    private static void writeBytes(Configuration hadoop, Path path, byte[] bytes) {
        try (OutputStream out = path.getFileSystem(hadoop).create(path, true)) {
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + path, e);
        }
    }
}
