package dev.ssb.worker.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssb.worker.api.AnswerVerifier;
import dev.ssb.worker.api.Verdict;
import dev.ssb.worker.api.Verification;
import dev.ssb.worker.api.VerifierConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Never throws, never hangs, thread-safe. */
class SafetyTest {

    private static final Duration TIMEOUT = VerifierConfig.TIMEOUT_DEFAULT;

    /** Scheduling slack on a busy 2-core machine on top of the configured bound. */
    private static final long SLACK_MS = 400;

    private static AnswerVerifier verifier;

    @BeforeAll
    static void start() {
        verifier = AnswerVerifier.create(VerifierConfig.defaults());
    }

    @AfterAll
    static void stop() {
        verifier.close();
    }

    private static Verification timed(String completion, String gold) {
        long start = System.nanoTime();
        Verification v = verifier.verify(completion, false, gold);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(ms).as("time of %s", v).isLessThanOrEqualTo(TIMEOUT.toMillis() + SLACK_MS);
        assertThat(v).isNotNull();
        return v;
    }

    @Test
    void hugeExponentsTimeOutOrStayUnevaluatedWithinTheBound() {
        for (String huge :
                List.of("10^{10^{10}}", "9^{9^{9}}", "2^{2^{2^{2^{2}}}}", "(10^{100})!")) {
            Verification v = timed("\\boxed{" + huge + "}", "1");
            assertThat(v.verdict()).as(huge).isIn(Verdict.WRONG, Verdict.TIMEOUT);
        }
    }

    @Test
    void aSlowCheckGivesTimeoutAndTheNextCheckStillWorks() {
        try (AnswerVerifier strict =
                AnswerVerifier.create(VerifierConfig.defaults().withTimeout(Duration.ofNanos(1)))) {
            // a symbolic identity only Symja can decide; a 1 ns budget is spent before it starts,
            // whatever the machine's speed (a 1 ms budget made this test depend on load)
            Verification slow = strict.compare("(x+y+z+1)^{12}", "(1+x+y+z)^{12} + (x-x)");
            assertThat(slow.verdict()).isEqualTo(Verdict.TIMEOUT);
        }
        assertThat(timed("\\boxed{\\sqrt{117}}", "3\\sqrt{13}").verdict())
                .isEqualTo(Verdict.CORRECT);
    }

    @Test
    void pathologicalInputsGetAVerdict() {
        String mb = "x".repeat(1 << 20);
        assertThat(timed(mb, "5").verdict()).isEqualTo(Verdict.NO_ANSWER);
        assertThat(timed(mb + "\\boxed{5}", "5").verdict()).isEqualTo(Verdict.CORRECT);
        assertThat(timed("\\boxed{" + "1+".repeat(400_000) + "1}", "5").verdict())
                .isEqualTo(Verdict.NO_ANSWER); // box longer than maxAnswerChars is not an answer
        String nested = "{".repeat(10_000) + "1" + "}".repeat(10_000);
        assertThat(timed("\\boxed{" + nested + "}", "1").verdict()).isEqualTo(Verdict.NO_ANSWER);
        String nestedFits = "{".repeat(450) + "1" + "}".repeat(450);
        assertThat(timed("\\boxed{" + nestedFits + "}", "1").verdict()).isEqualTo(Verdict.WRONG);
        assertThat(timed("\\boxed{" + "(".repeat(300) + "2" + ")".repeat(300) + "}", "2").verdict())
                .isEqualTo(Verdict.WRONG);
        assertThat(timed("\\boxed{{{{1}", "1").verdict()).isEqualTo(Verdict.NO_ANSWER);
        assertThat(timed("\\boxed{1}}}}", "1").verdict()).isEqualTo(Verdict.CORRECT);
        assertThat(timed("\\boxed{\\frac{1}{}", "1").verdict()).isEqualTo(Verdict.NO_ANSWER);
        assertThat(timed("\\boxed{\\frac{1}{}}", "1").verdict()).isEqualTo(Verdict.WRONG);
        assertThat(timed("\\boxed{)(][}", "1").verdict()).isEqualTo(Verdict.WRONG);
        assertThat(timed(null, "1").verdict()).isEqualTo(Verdict.NO_ANSWER);
        assertThat(timed("", "").verdict()).isEqualTo(Verdict.NO_ANSWER);
        assertThat(timed("\\boxed{3}", null).verdict()).isEqualTo(Verdict.WRONG);
        assertThat(verifier.compare(null, null).verdict()).isEqualTo(Verdict.NO_ANSWER);
        Random random = new Random(42);
        for (int i = 0; i < 200; i++) {
            StringBuilder s = new StringBuilder("\\boxed{");
            for (int j = 0; j < 60; j++) {
                s.appendCodePoint(random.nextInt(0x2FFF) + 1);
            }
            s.append('}');
            Verification v =
                    timed(s.toString(), random.nextBoolean() ? "\\frac{1}{2}" : s.toString());
            assertThat(v.verdict()).isIn(Verdict.CORRECT, Verdict.WRONG, Verdict.NO_ANSWER);
        }
    }

    @Test
    void pathologicalRelationsSumsAndBoxesAreBounded() {
        assertThat(timed("\\boxed{\\sum_{k=1}^{10^{100}} k}", "1").verdict())
                .isEqualTo(Verdict.WRONG);
        assertThat(timed("\\boxed{\\sum_{a=1}^{999}\\sum_{b=1}^{999} ab}", "1").verdict())
                .isEqualTo(Verdict.WRONG);
        assertThat(timed("\\boxed{\\prod_{k=1}^{999} k^{999}}", "1").verdict())
                .isEqualTo(Verdict.WRONG); // more terms than a sum is expanded to
        assertThat(timed("\\boxed{\\prod_{k=1}^{499} k^{99}}", "1").verdict())
                .isIn(Verdict.WRONG, Verdict.TIMEOUT);
        assertThat(timed("\\boxed{" + "1=".repeat(400) + "1}", "1").verdict())
                .isEqualTo(Verdict.WRONG); // longer than 64 sides: not read as a chain
        assertThat(timed("\\boxed{" + "1=".repeat(40) + "1}", "1").verdict())
                .isIn(Verdict.CORRECT, Verdict.TIMEOUT);
        assertThat(timed("\\boxed{" + "x<".repeat(400) + "1}", "(-\\infty,1)").verdict())
                .isEqualTo(Verdict.WRONG);
        assertThat(timed("\\boxed{x^{10^{10}} = 1}", "2x^{10^{10}} = 2").verdict())
                .isIn(Verdict.CORRECT, Verdict.WRONG, Verdict.TIMEOUT);
        assertThat(timed("\\boxed{f(" + "x,".repeat(300) + "x) = 1}", "1").verdict())
                .isIn(Verdict.CORRECT, Verdict.WRONG);
        String manyBoxes = "\\boxed{1} ".repeat(100_000);
        assertThat(timed(manyBoxes + "\\boxed{2}", "1, 2").verdict()).isEqualTo(Verdict.WRONG);
        assertThat(timed(manyBoxes, "\\{1, 2, 3\\}").verdict()).isEqualTo(Verdict.WRONG);
    }

    @Test
    void concurrentUseGivesTheSameVerdictsAsSequentialUse() throws Exception {
        List<String[]> pairs = new ArrayList<>();
        for (String[] p :
                new String[][] {
                    {"\\boxed{3\\sqrt{13}}", "\\sqrt{117}"},
                    {"\\boxed{p - q}", "q - p"},
                    {"\\boxed{(x+1)^2}", "x^2+2x+1"},
                    {"\\boxed{8,000}", "8000"},
                    {"\\boxed{\\{1,2\\}}", "\\{2,1\\}"},
                    {"\\boxed{6-5i}", "6+5i"},
                    {"\\boxed{\\frac{\\pi}{2}}", "\\frac{\\pi}{3}"},
                    {"no answer", "1"},
                    {"#### 72", "72"},
                    {"\\boxed{\\cot x}", "\\frac{\\cos x}{\\sin x}"},
                }) {
            pairs.add(p);
        }
        try (AnswerVerifier relaxed =
                AnswerVerifier.create(
                        VerifierConfig.defaults().withTimeout(Duration.ofSeconds(10)))) {
            List<Verdict> sequential = new ArrayList<>();
            for (String[] p : pairs) {
                sequential.add(relaxed.verify(p[0], false, p[1]).verdict());
            }
            assertThat(sequential).contains(Verdict.CORRECT, Verdict.WRONG, Verdict.NO_ANSWER);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<List<Verdict>>> results = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    final int offset = t;
                    results.add(
                            pool.submit(
                                    () -> {
                                        List<Verdict> out = new ArrayList<>();
                                        for (int round = 0; round < 20; round++) {
                                            for (int i = 0; i < pairs.size(); i++) {
                                                int k = (i + offset) % pairs.size();
                                                out.add(null);
                                                String[] p = pairs.get(k);
                                                out.set(
                                                        out.size() - 1,
                                                        relaxed.verify(p[0], false, p[1])
                                                                .verdict());
                                            }
                                        }
                                        return out;
                                    }));
                }
                for (int t = 0; t < 4; t++) {
                    List<Verdict> got = results.get(t).get(60, TimeUnit.SECONDS);
                    for (int j = 0; j < got.size(); j++) {
                        int k = (j % pairs.size() + t) % pairs.size();
                        assertThat(got.get(j))
                                .as("thread %s pair %s", t, k)
                                .isEqualTo(sequential.get(k));
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
