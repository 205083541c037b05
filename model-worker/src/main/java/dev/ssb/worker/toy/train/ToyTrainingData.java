package dev.ssb.worker.toy.train;

import static java.util.Objects.requireNonNull;

import dev.ssb.worker.api.ChatMessage;
import dev.ssb.worker.api.ChatTemplate;
import dev.ssb.worker.api.Tokenizer;
import dev.ssb.worker.distill.SftExample;
import dev.ssb.worker.toy.Prompts;
import dev.ssb.worker.toy.ToyConversations;
import dev.ssb.worker.toy.ToyDataset;
import dev.ssb.worker.toy.ToyProblem;
import dev.ssb.worker.toy.ToyTokenizerFiles;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The toy model's problems and its kinds of training conversations, tokenized exactly as the
 * pipeline renders them: the chat template with the generation prompt is the context, the
 * assistant's content plus {@code <|im_end|>} is the target.
 */
final class ToyTrainingData {

    private final ToyDataset.Splits splits;
    private final Tokenizer tokenizer;
    private final ChatTemplate template;
    private final ToyConversations conversations;
    private final int endOfTurn;
    private final double flawedFraction;
    private final double nohintFraction;

    ToyTrainingData(
            ToyTrainingConfig config, Prompts prompts, Tokenizer tokenizer, ChatTemplate template) {
        requireNonNull(config, "config is null");
        this.tokenizer = requireNonNull(tokenizer, "tokenizer is null");
        this.template = requireNonNull(template, "template is null");
        this.conversations = new ToyConversations(requireNonNull(prompts, "prompts is null"));
        this.splits = splits(config);
        this.flawedFraction = config.flawedFraction();
        this.nohintFraction = config.nohintFraction();
        this.endOfTurn =
                tokenizer
                        .tokenId(ToyTokenizerFiles.IM_END)
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "Invalid tokenizer: no "
                                                        + ToyTokenizerFiles.IM_END));
    }

    /**
     * The problems of a config's seed: train, then the held-out test split (the first {@link
     * ToyTrainingConfig#HELD_OUT_PROBLEMS} of the generated test problems) and the dev split after
     * it.
     */
    static ToyDataset.Splits splits(ToyTrainingConfig config) {
        return ToyDataset.generate(
                config.seed(),
                config.trainProblems(),
                ToyTrainingConfig.HELD_OUT_PROBLEMS + ToyTrainingConfig.DEV_PROBLEMS,
                config.difficulty());
    }

    /** Problems the model is never trained on and never tuned on. */
    static List<ToyProblem> heldOut(ToyDataset.Splits splits) {
        return splits.test().subList(0, ToyTrainingConfig.HELD_OUT_PROBLEMS);
    }

    /**
     * The first {@code size} held-out problems of {@code config}'s seed, without generating the
     * train split (the test split is drawn first, so a shorter one is a prefix of a longer one).
     */
    static List<ToyProblem> heldOut(ToyTrainingConfig config, int size) {
        if (size <= 0 || size > ToyTrainingConfig.HELD_OUT_PROBLEMS) {
            throw new IllegalArgumentException(
                    "Invalid held-out size: "
                            + size
                            + " (must be in [1, "
                            + ToyTrainingConfig.HELD_OUT_PROBLEMS
                            + "])");
        }
        return ToyDataset.generate(config.seed(), 0, size, config.difficulty()).test();
    }

    /** Problems used to tune the recipe. */
    static List<ToyProblem> dev(ToyDataset.Splits splits) {
        return splits.test()
                .subList(
                        ToyTrainingConfig.HELD_OUT_PROBLEMS,
                        ToyTrainingConfig.HELD_OUT_PROBLEMS + ToyTrainingConfig.DEV_PROBLEMS);
    }

    List<ToyProblem> train() {
        return splits.train();
    }

    /**
     * A training example on a random training problem: a teacher conversation (shown only the
     * correct attempt with the config's nohint probability, else hinted with a random wrong
     * attempt) or a student conversation (flawed with the config's probability).
     */
    SftExample sample(SplittableRandom random, boolean teacher) {
        ToyProblem problem = train().get(random.nextInt(train().size()));
        List<ChatMessage> messages;
        if (teacher && nohintFraction > 0 && random.nextDouble() < nohintFraction) {
            messages = conversations.nohintTeacher(problem);
        } else if (teacher) {
            messages = conversations.teacher(problem, random);
        } else if (flawedFraction > 0 && random.nextDouble() < flawedFraction) {
            messages = conversations.flawedStudent(problem, random);
        } else {
            messages = conversations.student(problem);
        }
        return example(messages);
    }

    /** Context = every message but the last, rendered with the generation prompt. */
    SftExample example(List<ChatMessage> messages) {
        int last = messages.size() - 1;
        int[] prompt = tokenizer.encode(template.render(messages.subList(0, last), true));
        int[] content = tokenizer.encode(messages.get(last).content());
        int[] reply = new int[content.length + 1];
        System.arraycopy(content, 0, reply, 0, content.length);
        reply[content.length] = endOfTurn;
        return new SftExample(prompt, reply);
    }
}
