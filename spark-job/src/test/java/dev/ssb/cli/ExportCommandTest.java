package dev.ssb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssb.fixtures.RandomCheckpoints;
import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.LoraConfig;
import dev.ssb.worker.io.ConfigJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ssb generate --adapter} and {@code ssb export} on tiny random Qwen3 and Llama-3
 * checkpoints with the real model runtime: the exported checkpoint answers exactly as base +
 * adapter (greedy).
 */
class ExportCommandTest {
    private static final String QUESTION = "What is 12 + 30?";

    @TempDir Path tmp;

    private record Run(int code, String out, String err) {}

    private static Run ssb(String... args) {
        CliRun.Result r = CliRun.execute(args);
        return new Run(r.code(), r.out(), r.err());
    }

    /** An adapter with random A and B (a fresh one has B = 0 and would change nothing). */
    static Path randomAdapter(Path base, Path dir, long seed) {
        var config = ConfigJson.read(base);
        LoraAdapter fresh =
                LoraAdapter.initialize(new LoraConfig(4, 8f, LoraConfig.ALL_MODULES), config, seed);
        Random random = new Random(seed);
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        fresh.tensors()
                .forEach(
                        (name, t) -> {
                            HostTensor copy = HostTensor.zeros(t.shape());
                            for (int i = 0; i < copy.size(); i++) {
                                copy.data()[i] = 0.3f * (float) random.nextGaussian();
                            }
                            tensors.put(name, copy);
                        });
        new LoraAdapter(fresh.config(), tensors).save(dir, "tiny-base");
        return dir;
    }

    @Test
    void exportedQwen3AnswersExactlyAsBasePlusAdapter() {
        Path base = RandomCheckpoints.qwen3(tmp.resolve("q3"), 5, null);
        exportMatches(base);
    }

    @Test
    void exportedLlama3AnswersExactlyAsBasePlusAdapter() {
        Path base = RandomCheckpoints.llama3(tmp.resolve("l3"), 6);
        exportMatches(base);
    }

    private void exportMatches(Path base) {
        Path adapter = randomAdapter(base, tmp.resolve("adapter"), 9);
        String[] greedy = {"--temperature", "0", "--max-new-tokens", "24"};
        Run plain =
                ssb(
                        concat(
                                new String[] {"generate", "--model", base.toString()},
                                greedy,
                                QUESTION));
        Run student =
                ssb(
                        concat(
                                new String[] {
                                    "generate",
                                    "--model",
                                    base.toString(),
                                    "--adapter",
                                    adapter.toString()
                                },
                                greedy,
                                QUESTION));
        assertThat(student.code()).as(student.err()).isZero();
        assertThat(student.out()).isNotEqualTo(plain.out()); // the adapter is applied
        Path out = tmp.resolve("exported");
        Run export =
                ssb(
                        "export",
                        "--model",
                        base.toString(),
                        "--adapter",
                        adapter.toString(),
                        "--out",
                        out.toString());
        assertThat(export.code()).as(export.err()).isZero();
        assertThat(out.resolve("config.json")).exists();
        assertThat(out.resolve("model.safetensors")).exists();
        assertThat(out.resolve("tokenizer.json")).exists();
        assertThat(out.resolve("tokenizer_config.json")).exists();
        assertThat(out.resolve("generation_config.json")).exists();
        assertThat(ConfigJson.read(out)).isEqualTo(ConfigJson.read(base));
        Run merged =
                ssb(concat(new String[] {"generate", "--model", out.toString()}, greedy, QUESTION));
        assertThat(merged.code()).as(merged.err()).isZero();
        assertThat(merged.out()).isEqualTo(student.out());
        // an existing --out is refused, never overwritten
        Run again =
                ssb(
                        "export",
                        "--model",
                        base.toString(),
                        "--adapter",
                        adapter.toString(),
                        "--out",
                        out.toString());
        assertThat(again.code()).isNotZero();
        assertThat(again.err()).contains("already exists");
    }

    @Test
    void bfloat16ExportLoadsAndAdapterOfAnotherShapeIsRefusedBeforeWork() throws Exception {
        Path base = RandomCheckpoints.qwen3(tmp.resolve("q3"), 5, null);
        Path adapter = randomAdapter(base, tmp.resolve("adapter"), 9);
        Path out = tmp.resolve("bf16");
        Run export =
                ssb(
                        "export",
                        "--model",
                        base.toString(),
                        "--adapter",
                        adapter.toString(),
                        "--out",
                        out.toString(),
                        "--dtype",
                        "bfloat16");
        assertThat(export.code()).as(export.err()).isZero();
        assertThat(Files.readString(out.resolve("config.json")))
                .contains("\"torch_dtype\": \"bfloat16\"");
        Run answer =
                ssb(
                        "generate",
                        "--model",
                        out.toString(),
                        "--temperature",
                        "0",
                        "--max-new-tokens",
                        "4",
                        QUESTION);
        assertThat(answer.code()).as(answer.err()).isZero();
        // an adapter trained for the Llama-3 model does not fit the Qwen3 base
        Path llama = RandomCheckpoints.llama3(tmp.resolve("l3"), 6);
        Path other = randomAdapter(llama, tmp.resolve("other"), 3);
        Run wrong =
                ssb(
                        "export",
                        "--model",
                        base.toString(),
                        "--adapter",
                        other.toString(),
                        "--out",
                        tmp.resolve("never").toString());
        assertThat(wrong.code()).isNotZero();
        assertThat(wrong.err()).contains("Cannot load adapter").contains("shape");
        assertThat(tmp.resolve("never")).doesNotExist();
        Run badDtype =
                ssb(
                        "export",
                        "--model",
                        base.toString(),
                        "--out",
                        tmp.resolve("x").toString(),
                        "--dtype",
                        "int8");
        assertThat(badDtype.err()).contains("Invalid --dtype: int8");
    }

    @Test
    void generationConfigSetsTheSamplingUnlessAnOptionDoes() {
        Path base =
                RandomCheckpoints.qwen3(
                        tmp.resolve("q3"),
                        5,
                        "{\"temperature\": 0.7, \"top_k\": 20, \"top_p\": 0.8,"
                                + " \"repetition_penalty\": 1.05}");
        Run defaults =
                ssb("generate", "--model", base.toString(), "--max-new-tokens", "4", QUESTION);
        assertThat(defaults.code()).as(defaults.err()).isZero();
        assertThat(defaults.err())
                .contains("sampling: temperature=0.7 top_k=20 top_p=0.8 repetition_penalty=1.05");
        Run explicit =
                ssb(
                        "generate",
                        "--model",
                        base.toString(),
                        "--max-new-tokens",
                        "4",
                        "--top-k",
                        "5",
                        "--repetition-penalty",
                        "1",
                        QUESTION);
        assertThat(explicit.err())
                .contains("sampling: temperature=0.7 top_k=5 top_p=0.8 repetition_penalty=1.0");
    }

    private static String[] concat(String[] a, String[] b, String last) {
        String[] out = new String[a.length + b.length + 1];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        out[out.length - 1] = last;
        return out;
    }
}
