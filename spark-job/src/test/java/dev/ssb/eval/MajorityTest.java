package dev.ssb.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssb.eval.Majority.Vote;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MajorityTest {

    private static final int NONE = AnswerGroups.NONE;

    @Test
    void groupsEquivalentAnswersUnderTheirFirstSample() {
        List<String> answers = Arrays.asList("1/2", null, "0.5", "3", "1/2", "3.0", null);
        int[] groups =
                AnswerGroups.of(
                        answers, (a, b) -> value(a) == value(b)); // a stand-in for the verifier
        assertThat(groups).containsExactly(0, NONE, 0, 3, 0, 3, NONE);
    }

    @Test
    void equalStringsNeedNoEquivalenceCheck() {
        int[] groups =
                AnswerGroups.of(
                        List.of("7", "7", "7"),
                        (a, b) -> {
                            throw new AssertionError("compared " + a + " with " + b);
                        });
        assertThat(groups).containsExactly(0, 0, 0);
    }

    private static double value(String s) {
        String[] parts = s.split("/");
        return parts.length == 2
                ? Double.parseDouble(parts[0]) / Double.parseDouble(parts[1])
                : Double.parseDouble(s);
    }

    @Test
    void theLargestGroupWins() {
        List<Vote> votes =
                List.of(
                        new Vote(0, false),
                        new Vote(1, true),
                        new Vote(1, true),
                        new Vote(0, false),
                        new Vote(1, true));
        assertThat(Majority.winner(votes)).isEqualTo(1);
        assertThat(Majority.correct(votes)).isTrue();
    }

    @Test
    void aTieGoesToTheAnswerSeenFirstWhateverTheOrderOfTheVotes() {
        List<Vote> wrongFirst =
                List.of(
                        new Vote(0, false),
                        new Vote(1, true),
                        new Vote(0, false),
                        new Vote(1, true));
        assertThat(Majority.winner(wrongFirst)).isZero();
        assertThat(Majority.correct(wrongFirst)).isFalse();
        List<Vote> shuffled =
                List.of(
                        new Vote(1, true),
                        new Vote(0, false),
                        new Vote(1, true),
                        new Vote(0, false));
        assertThat(Majority.winner(shuffled)).isZero();
        List<Vote> rightFirst =
                List.of(
                        new Vote(0, true),
                        new Vote(2, false),
                        new Vote(2, false),
                        new Vote(0, true));
        assertThat(Majority.correct(rightFirst)).isTrue();
    }

    @Test
    void samplesWithoutAnAnswerDoNotVote() {
        List<Vote> votes =
                List.of(
                        new Vote(NONE, false),
                        new Vote(NONE, false),
                        new Vote(NONE, false),
                        new Vote(3, true));
        assertThat(Majority.winner(votes)).isEqualTo(3);
        assertThat(Majority.correct(votes)).isTrue();
        List<Vote> none = List.of(new Vote(NONE, false), new Vote(NONE, false));
        assertThat(Majority.winner(none)).isEqualTo(NONE);
        assertThat(Majority.correct(none)).isFalse();
    }
}
