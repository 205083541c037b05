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
        sampling.put("repetition_penalty", s.decoding().repetitionPenalty());
        sampling.put("seed", s.model().runSeed());
        sampling.put("system_prompt", s.model().systemPrompt());
        ObjectNode greedySampling = sampling.putObject("greedy");
        greedySampling.put("samples_per_problem", 1);
        greedySampling.put("temperature", 0.0);
        ObjectNode models = root.putObject("models");
        for (Map.Entry<ModelTag, EvalSummary.ModelSummary> e : summary.models().entrySet()) {
            EvalSummary.ModelSummary m = e.getValue();
            ObjectNode node = models.putObject(e.getKey().column());
            node.put("problems", m.problems());
            node.put("samples", m.samples());
            node.put("samples_per_problem", m.samplesPerProblem());
            m.passAt1().putInto(node, "pass_at_1");
            m.majority().putInto(node, "maj_at_k");
            node.put("k", m.samplesPerProblem());
            node.put("mean_tokens", m.meanTokens());
            node.put("truncation_rate", m.truncationRate());
            m.strictPassAt1().putInto(node, "strict_pass_at_1");
            m.greedy()
                    .ifPresent(
                            g -> {
                                ObjectNode greedy = node.putObject("greedy");
                                greedy.put("problems", g.problems());
                                g.passAt1().putInto(greedy, "pass_at_1");
                                g.strictPassAt1().putInto(greedy, "strict_pass_at_1");
                                greedy.put("mean_tokens", g.meanTokens());
                                greedy.put("truncation_rate", g.truncationRate());
                            });
        }
        summary.difference()
                .ifPresent(
                        d -> {
                            ObjectNode node = root.putObject("student_minus_base");
                            node.put("problems", d.problems());
                            d.passAt1().putInto(node, "pass_at_1");
                            d.majority().putInto(node, "maj_at_k");
                            d.strictPassAt1().putInto(node, "strict_pass_at_1");
                            d.greedyPassAt1().ifPresent(i -> i.putInto(node, "greedy_pass_at_1"));
                            d.greedyStrictPassAt1()
                                    .ifPresent(i -> i.putInto(node, "greedy_strict_pass_at_1"));
                        });
        ObjectNode tail = root.putObject("teacher_tail_mass");
        summary.teacherTailMass()
                .ifPresentOrElse(
                        t -> {
                            tail.put("positions", t.positions());
                            tail.put("mean", t.mean());
                            tail.put("p95", t.p95());
                        },
                        () -> root.putNull("teacher_tail_mass"));
        root.put("confidence", 0.95);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        md.append("; greedy pass@1 (one reply per problem at temperature 0) Wilson score");
        if (summary.difference().isPresent()) {
            md.append("; student − base: paired normal over the same problems");
        }
        md.append(
                ".\nStrict: the extracted answer equals the gold answer after light normalisation"
                        + " (whitespace, one enclosing $…$, a trailing period), the authors' check;"
                        + " the other columns use the equivalence verdict.\n");
        summary.teacherTailMass()
                .ifPresent(
                        t ->
                                md.append(
                                        String.format(
                                                Locale.ROOT,
                                                "Teacher tail mass (1 − top-k mass at the"
                                                        + " distillation temperature, over %d"
                                                        + " reply positions): mean %.4f, 95th"
                                                        + " percentile %.4f.%n",
                                                t.positions(),
                                                t.mean(),
                                                t.p95())));
        return md.toString();
    }

    /** Just the comparison table (what the CLI prints). */
    static String table(EvalSummary summary) {
        int n = summary.info().settings().samples();
        boolean greedy = summary.models().values().stream().allMatch(m -> m.greedy().isPresent());
        StringBuilder md = new StringBuilder();
        md.append("| model | problems | ");
        if (greedy) {
            md.append("greedy pass@1 (95% CI) | ");
        }
        md.append("sampled pass@1, n = ")
                .append(n)
                .append(" (95% CI) | maj@")
                .append(n)
                .append(" (95% CI) | strict ");
        md.append(greedy ? "greedy / sampled" : "sampled").append(" pass@1 | mean reply tokens ");
        md.append(greedy ? "greedy / sampled" : "sampled").append(" | truncated |\n");
        md.append(
                greedy
                        ? "|---|---:|---|---|---|---|---:|---:|\n"
                        : "|---|---:|---|---|---|---:|---:|\n");
        for (Map.Entry<ModelTag, EvalSummary.ModelSummary> e : summary.models().entrySet()) {
            EvalSummary.ModelSummary m = e.getValue();
            md.append("| ").append(e.getKey().column()).append(" | ").append(m.problems());
            if (greedy) {
                md.append(" | ").append(m.greedy().get().passAt1().percent(false));
            }
            md.append(" | ").append(m.passAt1().percent(false));
            md.append(" | ").append(m.majority().percent(false));
            md.append(" | ");
            if (greedy) {
                md.append(plain(m.greedy().get().strictPassAt1(), false)).append(" / ");
            }
            md.append(plain(m.strictPassAt1(), false)).append(" | ");
            if (greedy) {
                md.append(String.format(Locale.ROOT, "%.1f / ", m.greedy().get().meanTokens()));
            }
            md.append(
                    String.format(
                            Locale.ROOT,
                            "%.1f | %.1f%% |%n",
                            m.meanTokens(),
                            100 * m.truncationRate()));
        }
        summary.difference()
                .ifPresent(
                        d -> {
                            md.append("| student − base | ").append(d.problems());
                            if (greedy) {
                                md.append(" | ")
                                        .append(
                                                d.greedyPassAt1()
                                                        .map(i -> i.percent(true))
                                                        .orElse(""));
                            }
                            md.append(" | ").append(d.passAt1().percent(true));
                            md.append(" | ").append(d.majority().percent(true));
                            md.append(" | ");
                            if (greedy) {
                                md.append(
                                                d.greedyStrictPassAt1()
                                                        .map(i -> plain(i, true))
                                                        .orElse(""))
                                        .append(" / ");
                            }
                            md.append(plain(d.strictPassAt1(), true)).append(" | | |\n");
                        });
        return md.toString();
    }

    /** An estimate without its interval (the strict columns, to keep the table narrow). */
    private static String plain(Interval i, boolean signed) {
        return String.format(Locale.ROOT, signed ? "%+.1f pp" : "%.1f%%", 100 * i.estimate());
    }
}
