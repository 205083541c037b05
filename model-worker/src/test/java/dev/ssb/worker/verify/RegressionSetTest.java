package dev.ssb.worker.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssb.worker.api.AnswerVerifier;
import dev.ssb.worker.api.Verdict;
import dev.ssb.worker.api.Verification;
import dev.ssb.worker.api.VerifierConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The regression set {@code regression.tsv}: answers as reasoning models write them, each with the
 * verdict it must get; a third or more are near misses that must never be accepted.
 */
class RegressionSetTest {

    private static final String FILE = "regression.tsv";

    private static AnswerVerifier verifier;

    /** One row of the set. */
    record Row(int line, String prediction, String gold, Verdict expected, String form) {
        @Override
        public String toString() {
            return line + " " + form;
        }
    }

    @BeforeAll
    static void start() {
        // a generous bound: the verdicts are checked here, the time bound in SafetyTest
        verifier =
                AnswerVerifier.create(VerifierConfig.defaults().withTimeout(Duration.ofSeconds(5)));
    }

    @AfterAll
    static void stop() {
        verifier.close();
    }

    static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        try (InputStream in = RegressionSetTest.class.getResourceAsStream(FILE)) {
            if (in == null) {
                throw new IllegalStateException("Cannot find the resource " + FILE);
            }
            BufferedReader reader =
                    new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                if (f.length != 4) {
                    throw new IllegalStateException(
                            "Invalid row " + number + " of " + FILE + ": " + f.length + " fields");
                }
                rows.add(new Row(number, f[0], f[1], Verdict.valueOf(f[2]), f[3]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + FILE, e);
        }
        return rows;
    }

    static Stream<Arguments> cases() {
        return rows().stream().map(Arguments::of);
    }

    @Test
    void theSetIsLargeAndAThirdOfItMustBeRejected() {
        List<Row> rows = rows();
        long rejects = rows.stream().filter(r -> r.expected() == Verdict.WRONG).count();
        assertThat(rows).hasSizeGreaterThanOrEqualTo(200);
        assertThat(rejects * 3).isGreaterThanOrEqualTo(rows.size());
        assertThat(rows.stream().map(Row::expected)).containsOnly(Verdict.CORRECT, Verdict.WRONG);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void verdictAsExpected(Row row) {
        Verification v = verifier.verifyPrediction(row.prediction(), row.gold());
        assertThat(v.verdict())
                .as("%s: %s vs %s: %s", row.form(), row.prediction(), row.gold(), v)
                .isEqualTo(row.expected());
        assertThat(v.reason()).isNotBlank();
        if (!row.prediction().contains("\\boxed")) {
            // a bare pair decides the same both ways round
            Verification reverse = verifier.verifyPrediction(row.gold(), row.prediction());
            assertThat(reverse.verdict())
                    .as("%s reversed: %s", row.form(), reverse)
                    .isEqualTo(row.expected());
        }
    }
}
