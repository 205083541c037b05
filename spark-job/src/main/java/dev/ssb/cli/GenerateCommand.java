package dev.ssb.cli;

import dev.ssb.config.Prompts;
import dev.ssb.config.SsbProperties;
import dev.ssb.spark.CheckpointCache;
import dev.ssb.spark.HadoopFiles;
import dev.ssb.worker.api.ChatMessage;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.Generation;
import dev.ssb.worker.api.GenerationDefaults;
import dev.ssb.worker.api.GenerationRequest;
import dev.ssb.worker.api.LanguageModel;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.ModelWorker;
import dev.ssb.worker.api.SamplingParams;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ssb generate}: asks a model (the embedded one by default) a question, prints its reply.
 */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = {
            "Renders the tutor system prompt and a question with the model's chat template and"
                    + " prints the model's reply. The question comes from the arguments, else one"
                    + " question per line of standard input.",
            "Example: ssb generate \"Tom has 3 bags of 4 apples. He finds 5 more. How many apples"
                    + " does Tom have now?\""
        })
final class GenerateCommand implements Callable<Integer> {

    @Option(
            names = "--model",
            paramLabel = "CHECKPOINT",
            description = "An HF checkpoint folder or " + ModelWorker.EMBEDDED + " (default).")
    String model = ModelWorker.EMBEDDED;

    @Option(
            names = "--adapter",
            paramLabel = "DIR",
            description =
                    "A PEFT LoRA adapter (e.g. the one ssb distill wrote; any Hadoop path) applied"
                            + " on top of the model: talk to the student.")
    String adapter;

    @Option(
            names = "--device",
            paramLabel = "DEVICE",
            description = "cpu (default), gpu or gpu:N (float32).")
    String device = "cpu";

    @Option(
            names = "--temperature",
            description =
                    "Sampling temperature, 0 = greedy (default: the checkpoint's"
                            + " generation_config.json, else "
                            + SsbProperties.ROLLOUT_TEMPERATURE_DEFAULT
                            + ").")
    Float temperature;

    @Option(
            names = "--top-k",
            description =
                    "Top-k, 0 = off (default: generation_config.json, else "
                            + SsbProperties.ROLLOUT_TOP_K_DEFAULT
                            + ").")
    Integer topK;

    @Option(
            names = "--top-p",
            description = "Nucleus mass in (0, 1] (default: generation_config.json, else 1).")
    Float topP;

    @Option(
            names = "--repetition-penalty",
            description =
                    "Hugging Face's repetition penalty, 1 = off (default: generation_config.json,"
                            + " else 1).")
    Float repetitionPenalty;

    @Option(
            names = "--max-new-tokens",
            description = "Reply budget in tokens (default: ${DEFAULT-VALUE}).")
    int maxNewTokens = SsbProperties.ROLLOUT_MAX_NEW_TOKENS_DEFAULT;

    @Option(names = "--seed", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed = 0;

    @Option(
            names = "--system-prompt",
            paramLabel = "FILE",
            description = "System prompt file or classpath resource (default: ${DEFAULT-VALUE}).")
    String systemPrompt = SsbProperties.PROMPTS_SYSTEM_DEFAULT;

    @Parameters(paramLabel = "QUESTION", arity = "0..*", description = "The question's words.")
    List<String> words = List.of();

    @Spec CommandSpec spec;

    /** Where questions are read from when none is given as arguments (tests replace it). */
    InputStream in = System.in;

    @Override
    public Integer call() {
        String system = Prompts.read(systemPrompt).strip();
        PrintWriter out = spec.commandLine().getOut();
        try (LanguageModel lm =
                ModelWorker.load(CheckpointCache.localPath(model), device(device))) {
            if (adapter != null) {
                applyAdapter(lm, adapter);
            }
            SamplingParams params = sampling(lm.generationDefaults());
            PrintWriter err = spec.commandLine().getErr();
            err.println(
                    String.format(
                            "sampling: temperature=%s top_k=%s top_p=%s repetition_penalty=%s"
                                    + " max_new_tokens=%s",
                            params.temperature(),
                            params.topK(),
                            params.topP(),
                            params.repetitionPenalty(),
                            params.maxNewTokens()));
            err.flush();
            if (!words.isEmpty()) {
                out.println(answer(lm, system, String.join(" ", words), params));
            } else {
                BufferedReader reader =
                        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (!line.isBlank()) {
                        out.println(answer(lm, system, line.strip(), params));
                        out.println();
                        out.flush();
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read questions from standard input", e);
        }
        out.flush();
        return 0;
    }

    /**
     * Each setting from its option when given, else from the checkpoint's generation_config.json,
     * else the project's default.
     */
    SamplingParams sampling(GenerationDefaults checkpoint) {
        SamplingParams fallback =
                new SamplingParams(
                        (float) SsbProperties.ROLLOUT_TEMPERATURE_DEFAULT,
                        SsbProperties.ROLLOUT_TOP_K_DEFAULT,
                        1f,
                        maxNewTokens);
        SamplingParams fromCheckpoint = checkpoint.over(fallback);
        return new SamplingParams(
                temperature != null ? temperature : fromCheckpoint.temperature(),
                topK != null ? topK : fromCheckpoint.topK(),
                topP != null ? topP : fromCheckpoint.topP(),
                maxNewTokens,
                repetitionPenalty != null ? repetitionPenalty : fromCheckpoint.repetitionPenalty());
    }

    /** Reads a PEFT adapter from a Hadoop path, checked against the model before any decoding. */
    static void applyAdapter(LanguageModel lm, String dir) {
        java.nio.file.Path local = HadoopFiles.local(dir, HadoopFiles.configuration());
        try {
            lm.setAdapter(LoraAdapter.load(local, lm.config()));
        } finally {
            if (HadoopFiles.isCopy(dir, local)) {
                HadoopFiles.deleteLocal(local.getParent());
            }
        }
    }

    /** {@code cpu}, {@code gpu} (= gpu:0) or {@code gpu:N}. */
    static Device device(String name) {
        if (name.equals("cpu")) {
            return Device.cpu();
        }
        if (name.equals("gpu")) {
            return Device.gpu(0, Device.DType.FLOAT32);
        }
        if (name.matches("gpu:\\d{1,3}")) {
            return Device.gpu(Integer.parseInt(name.substring(4)), Device.DType.FLOAT32);
        }
        throw new IllegalArgumentException("Invalid --device: " + name + " (cpu, gpu or gpu:N)");
    }

    private String answer(LanguageModel lm, String system, String question, SamplingParams params) {
        int[] prompt = lm.encodeChat(messages(system, question), true);
        Generation g = lm.generate(List.of(new GenerationRequest(prompt, seed)), params).get(0);
        return g.text();
    }

    /**
     * The rollout stage's prompt form: the tutor system prompt (none when blank), then the bare
     * question.
     */
    static List<ChatMessage> messages(String system, String question) {
        return system.isBlank()
                ? List.of(ChatMessage.user(question))
                : List.of(ChatMessage.system(system), ChatMessage.user(question));
    }
}
