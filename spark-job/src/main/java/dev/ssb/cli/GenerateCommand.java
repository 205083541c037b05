package dev.ssb.cli;

import dev.ssb.config.Prompts;
import dev.ssb.config.SsbProperties;
import dev.ssb.worker.api.ChatMessage;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.Generation;
import dev.ssb.worker.api.GenerationRequest;
import dev.ssb.worker.api.LanguageModel;
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
            names = "--temperature",
            description = "Sampling temperature, 0 = greedy (default: ${DEFAULT-VALUE}).")
    float temperature = (float) SsbProperties.ROLLOUT_TEMPERATURE_DEFAULT;

    @Option(names = "--top-k", description = "Top-k, 0 = off (default: ${DEFAULT-VALUE}).")
    int topK = SsbProperties.ROLLOUT_TOP_K_DEFAULT;

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
        SamplingParams params = new SamplingParams(temperature, topK, 1f, maxNewTokens);
        String system = Prompts.read(systemPrompt).strip();
        PrintWriter out = spec.commandLine().getOut();
        try (LanguageModel lm = ModelWorker.load(model, Device.cpu())) {
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
