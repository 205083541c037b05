package dev.ssb.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ssb.stage.SampleSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;

/** {@link EvalSummary} as {@code summary.json} and as the Markdown comparison table. */
final class SummaryFormat {

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SummaryFormat() {}

    static byte[] json(EvalSummary summary) {
        EvalInfo info = summary.info();
        SampleSettings s = info.settings();
        ObjectNode root = JSON.createObjectNode();
        root.put("run_id", info.runId());
        root.put("config_hash", info.configHash());
        root.put("model_id", info.modelId());
        root.put("adapter_path", info.adapterPath().orElse(null));
        root.put("adapter_hash", info.adapterHash().orElse(null));
        root.put("problems_table", info.problems());
        ObjectNode sampling = root.putObject("sampling");
        sampling.put("samples_per_problem", s.samples());
        sampling.put("temperature", s.decoding().temperature());
        sampling.put("top_k", s.decoding().topK());
        sampling.put("top_p", s.decoding().topP());
        sampling.put("repetition_penalty", s.decoding().repetitionPenalty());
        sampling.put("max_new_tokens", s.decoding().maxNewTokens());
        sampling.put("seed", s.model().runSeed());
        sampling.put("system_prompt", s.model().systemPrompt());
        ObjectNode models = root.putObject("models");
        for (Map.Entry<ModelTag, EvalSummary.ModelSummary> e : summary.models().entrySet()) {
            EvalSummary.ModelSummary m = e.getValue();
            ObjectNode node = models.putObject(e.getKey().column());
            node.put("problems", m.problems());
            node.put("samples", m.samples());
            node.put("samples_per_problem", m.samplesPerProblem());
            put(node, "pass_at_1", m.passAt1());
            put(node, "maj_at_k", m.majority());
            node.put("k", m.samplesPerProblem());
            node.put("mean_tokens", m.meanTokens());
            node.put("truncation_rate", m.truncationRate());
        }
        summary.difference()
                .ifPresent(
                        d -> {
                            ObjectNode node = root.putObject("student_minus_base");
                            node.put("problems", d.problems());
                            put(node, "pass_at_1", d.passAt1());
                            put(node, "maj_at_k", d.majority());
                        });
        root.put("confidence", 0.95);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void put(ObjectNode parent, String name, Interval interval) {
        ObjectNode node = parent.putObject(name);
        node.put("estimate", interval.estimate());
        node.put("lower", interval.lower());
        node.put("upper", interval.upper());
        node.put("method", interval.method());
    }

    /** The comparison table with a heading and the settings, as written to summary.md. */
    static String markdown(EvalSummary summary) {
        EvalInfo info = summary.info();
        SampleSettings s = info.settings();
        int n = s.samples();
        StringBuilder md = new StringBuilder();
        md.append("# Evaluation of run ").append(info.runId()).append("\n\n");
        String hash = info.adapterHash().orElse("");
        String student =
                info.adapterPath()
                        .map(
                                p ->
                                        String.format(
                                                ", student adapter `%s` (sha256 %s)",
                                                p, hash.substring(0, Math.min(12, hash.length()))))
                        .orElse("");
        md.append(
                String.format(
                        Locale.ROOT,
                        "Evaluation problems `%s`; model `%s`%s.%n"
                                + "n = %d samples per problem and model, %s, top-k %d, top-p %s,"
                                + " repetition penalty %s, at most %d new tokens, seed %d; the same prompts and seeds for"
                                + " every model.%n%n",
                        info.problems(),
                        info.modelId(),
                        student,
                        n,
                        s.decoding().temperature() == 0
                                ? "greedy"
                                : "temperature " + s.decoding().temperature(),
                        s.decoding().topK(),
                        s.decoding().topP(),
                        s.decoding().repetitionPenalty(),
                        s.decoding().maxNewTokens(),
                        s.model().runSeed()));
        md.append(table(summary));
        md.append('\n')
                .append("95% intervals: pass@1 ")
                .append(
                        n == 1
                                ? "Wilson score"
                                : "normal over problems (mean ± 1.96·s/√P; Wilson when every"
                                        + " problem scores the same)")
                .append("; maj@")
                .append(n)
                .append(" Wilson score (ties go to the answer seen first)");
        if (summary.difference().isPresent()) {
            md.append("; student − base: paired normal over the same problems");
        }
        md.append(".\n");
        return md.toString();
    }

    /** Just the comparison table (what the CLI prints). */
    static String table(EvalSummary summary) {
        int n = summary.info().settings().samples();
        StringBuilder md = new StringBuilder();
        md.append("| model | problems | n | pass@1 (95% CI) | maj@")
                .append(n)
                .append(" (95% CI) | mean tokens | truncated |\n");
        md.append("|---|---:|---:|---|---|---:|---:|\n");
        for (Map.Entry<ModelTag, EvalSummary.ModelSummary> e : summary.models().entrySet()) {
            EvalSummary.ModelSummary m = e.getValue();
            md.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %d | %d | %s | %s | %.1f | %.1f%% |%n",
                            e.getKey().column(),
                            m.problems(),
                            m.samplesPerProblem(),
                            percent(m.passAt1(), false),
                            percent(m.majority(), false),
                            m.meanTokens(),
                            100 * m.truncationRate()));
        }
        summary.difference()
                .ifPresent(
                        d ->
                                md.append(
                                        String.format(
                                                Locale.ROOT,
                                                "| student − base | %d | | %s | %s | | |%n",
                                                d.problems(),
                                                percent(d.passAt1(), true),
                                                percent(d.majority(), true))));
        return md.toString();
    }

    private static String percent(Interval i, boolean signed) {
        return String.format(
                Locale.ROOT,
                signed ? "%+.1f pp (%+.1f, %+.1f)" : "%.1f%% (%.1f–%.1f)",
                100 * i.estimate(),
                100 * i.lower(),
                100 * i.upper());
    }
}
