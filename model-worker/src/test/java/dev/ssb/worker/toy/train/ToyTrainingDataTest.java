package dev.ssb.worker.toy.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssb.worker.distill.SftExample;
import dev.ssb.worker.text.TextBundle;
import dev.ssb.worker.text.Texts;
import dev.ssb.worker.toy.Prompts;
import dev.ssb.worker.toy.ToyConversations;
import dev.ssb.worker.toy.ToyDataset;
import dev.ssb.worker.toy.ToyProblem;
import dev.ssb.worker.toy.ToyTokenizerFiles;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToyTrainingDataTest {

    @TempDir Path dir;

    private static ToyTrainingConfig small() {
        return new ToyTrainingConfig(
                11L,
                200,
                ToyTrainingConfig.embedded().difficulty(),
                32,
                2,
                2,
                1,
                64,
                128,
                4,
                2,
                1e-3,
                1,
                0.5,
                0.0,
                0.0);
    }

    @Test
    void examplesAreTheRenderedConversationSplitAtTheAssistantTurn() {
        ToyTokenizerFiles.write(dir);
        try (TextBundle texts = Texts.load(dir)) {
            Prompts prompts = Prompts.defaults();
            ToyTrainingData data =
                    new ToyTrainingData(small(), prompts, texts.tokenizer(), texts.chatTemplate());
            ToyConversations conversations = new ToyConversations(prompts);
            ToyProblem problem = data.train().get(0);
            for (var messages :
                    List.of(
                            conversations.student(problem),
                            conversations.teacher(problem, new SplittableRandom(3)))) {
                SftExample e = data.example(messages);
                // [prompt ‖ reply] is the full conversation as the chat template renders it
                String full = texts.chatTemplate().render(messages, false);
                int[] joined = new int[e.promptIds().length + e.replyIds().length];
                System.arraycopy(e.promptIds(), 0, joined, 0, e.promptIds().length);
                System.arraycopy(
                        e.replyIds(), 0, joined, e.promptIds().length, e.replyIds().length);
                assertThat(texts.tokenizer().decode(joined) + "\n").isEqualTo(full);
                assertThat(e.replyIds()[e.replyIds().length - 1])
                        .isEqualTo(
                                texts.tokenizer().tokenId(ToyTokenizerFiles.IM_END).orElseThrow());
                assertThat(texts.tokenizer().decode(e.replyIds()))
                        .contains("\\boxed{" + problem.answer() + "}");
            }
        }
    }

    @Test
    void heldOutDevAndTrainAreDisjointAndHeldOutPrefixesAgree() {
        ToyTrainingConfig config = small();
        ToyDataset.Splits splits = ToyTrainingData.splits(config);
        List<ToyProblem> heldOut = ToyTrainingData.heldOut(splits);
        List<ToyProblem> dev = ToyTrainingData.dev(splits);
        assertThat(heldOut).hasSize(ToyTrainingConfig.HELD_OUT_PROBLEMS);
        assertThat(dev).hasSize(ToyTrainingConfig.DEV_PROBLEMS);
        Set<String> questions = new HashSet<>();
        for (List<ToyProblem> split : List.of(heldOut, dev, splits.train())) {
            for (ToyProblem p : split) {
                assertThat(questions.add(p.question())).as(p.id()).isTrue();
            }
        }
        assertThat(ToyTrainingData.heldOut(config, 30)).isEqualTo(heldOut.subList(0, 30));
    }

    @Test
    void samplesBothKindsReproducibly() {
        ToyTokenizerFiles.write(dir);
        try (TextBundle texts = Texts.load(dir)) {
            ToyTrainingData data =
                    new ToyTrainingData(
                            small(), Prompts.defaults(), texts.tokenizer(), texts.chatTemplate());
            SftExample a = data.sample(new SplittableRandom(5), true);
            SftExample b = data.sample(new SplittableRandom(5), true);
            assertThat(a.promptIds()).isEqualTo(b.promptIds());
            assertThat(a.replyIds()).isEqualTo(b.replyIds());
            String teacherPrompt = texts.tokenizer().decode(a.promptIds());
            assertThat(teacherPrompt).contains("A correct attempt:", "A wrong attempt:");
            String studentPrompt =
                    texts.tokenizer()
                            .decode(data.sample(new SplittableRandom(5), false).promptIds());
            assertThat(studentPrompt).doesNotContain("A correct attempt:");
            assertThat(Arrays.stream(a.replyIds()).max().orElseThrow()).isLessThan(100);
        }
    }

    @Test
    void teacherConversationsShowNoWrongAttemptAtTheConfiguredShare() {
        ToyTokenizerFiles.write(dir);
        try (TextBundle texts = Texts.load(dir)) {
            Prompts prompts = Prompts.defaults();
            ToyConversations conversations = new ToyConversations(prompts);
            for (double share : new double[] {0.0, 0.25, 1.0}) {
                ToyTrainingData data =
                        new ToyTrainingData(
                                small().withNohintFraction(share),
                                prompts,
                                texts.tokenizer(),
                                texts.chatTemplate());
                SplittableRandom random = new SplittableRandom(23);
                int nohint = 0;
                int n = 400;
                for (int i = 0; i < n; i++) {
                    SftExample e = data.sample(random, true);
                    String prompt = texts.tokenizer().decode(e.promptIds());
                    assertThat(prompt).contains("A correct attempt:");
                    if (!prompt.contains("A wrong attempt:")) {
                        nohint++;
                        ToyProblem problem =
                                data.train().stream()
                                        .filter(p -> prompt.contains(p.question()))
                                        .findFirst()
                                        .orElseThrow();
                        // exactly the conversation the nohint teacher of curate is given
                        SftExample expected = data.example(conversations.nohintTeacher(problem));
                        assertThat(e.promptIds()).isEqualTo(expected.promptIds());
                        assertThat(e.replyIds()).isEqualTo(expected.replyIds());
                    }
                }
                // 400 draws at p = 0.25: 3.5 standard deviations is +-31
                assertThat(nohint)
                        .as("share %s", share)
                        .isBetween((int) (share * n) - 31, (int) (share * n) + 31);
            }
        }
    }

    @Test
    void withoutNohintConversationsTheDrawsAreThoseOfTheRecipeBeforeThem() {
        ToyTokenizerFiles.write(dir);
        try (TextBundle texts = Texts.load(dir)) {
            ToyTrainingData none =
                    new ToyTrainingData(
                            small().withNohintFraction(0.0),
                            Prompts.defaults(),
                            texts.tokenizer(),
                            texts.chatTemplate());
            SplittableRandom random = new SplittableRandom(29);
            SplittableRandom replay = new SplittableRandom(29);
            for (int i = 0; i < 20; i++) {
                SftExample e = none.sample(random, i % 2 == 0);
                // the hinted draw of before: problem, then the wrong attempt's randomness
                ToyProblem problem = none.train().get(replay.nextInt(none.train().size()));
                if (i % 2 == 0) {
                    SftExample hinted =
                            none.example(
                                    new ToyConversations(Prompts.defaults())
                                            .teacher(problem, replay));
                    assertThat(e.promptIds()).isEqualTo(hinted.promptIds());
                } else {
                    SftExample student =
                            none.example(new ToyConversations(Prompts.defaults()).student(problem));
                    assertThat(e.promptIds()).isEqualTo(student.promptIds());
                }
            }
        }
    }

    @Test
    void flawedStudentRepliesEndInAWrongAnswerAtTheConfiguredRate() {
        ToyTokenizerFiles.write(dir);
        try (TextBundle texts = Texts.load(dir)) {
            for (double rate : new double[] {0.0, 0.5}) {
                ToyTrainingData data =
                        new ToyTrainingData(
                                small().withFlawedFraction(rate),
                                Prompts.defaults(),
                                texts.tokenizer(),
                                texts.chatTemplate());
                SplittableRandom random = new SplittableRandom(17);
                int wrong = 0;
                int n = 400;
                for (int i = 0; i < n; i++) {
                    SftExample e = data.sample(random, false);
                    String question = texts.tokenizer().decode(e.promptIds());
                    ToyProblem problem =
                            data.train().stream()
                                    .filter(p -> question.contains(p.question()))
                                    .findFirst()
                                    .orElseThrow();
                    String reply = texts.tokenizer().decode(e.replyIds());
                    assertThat(reply).contains("\\boxed{");
                    if (!reply.contains("\\boxed{" + problem.answer() + "}")) {
                        wrong++;
                    }
                }
                // 400 draws at p = 0.5: 3.5 standard deviations is +-35
                assertThat(wrong)
                        .as("rate %s", rate)
                        .isBetween((int) (rate * n) - 35, (int) (rate * n) + 35);
            }
        }
    }

    @Test
    void rejectsInvalidConfigWithTheFieldNamed() {
        assertThatThrownBy(() -> small().withSteps(0)).hasMessageContaining("Invalid");
        assertThatThrownBy(
                        () ->
                                new ToyTrainingConfig(
                                        1,
                                        10,
                                        small().difficulty(),
                                        30,
                                        2,
                                        4,
                                        2,
                                        64,
                                        128,
                                        4,
                                        2,
                                        1e-3,
                                        1,
                                        0.5,
                                        0.0,
                                        0.0))
                .hasMessage(
                        "Invalid num_heads: 4 (must divide hidden_size 30 into an even head width)");
        assertThatThrownBy(
                        () ->
                                new ToyTrainingConfig(
                                        1,
                                        10,
                                        small().difficulty(),
                                        32,
                                        2,
                                        2,
                                        1,
                                        64,
                                        128,
                                        4,
                                        2,
                                        1e-3,
                                        1,
                                        1.5,
                                        0.0,
                                        0.0))
                .hasMessage("Invalid teacher_fraction: 1.5 (must be in [0, 1])");
        assertThatThrownBy(() -> small().withFlawedFraction(1.0))
                .hasMessage("Invalid flawed_fraction: 1.0 (must be in [0, 1))");
    }
}
