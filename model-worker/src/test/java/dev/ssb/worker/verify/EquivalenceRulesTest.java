package dev.ssb.worker.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssb.worker.api.AnswerVerifier;
import dev.ssb.worker.api.Verdict;
import dev.ssb.worker.api.Verification;
import dev.ssb.worker.api.VerifierConfig;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One positive and one negative case (at least) per normalisation and equivalence rule. */
class EquivalenceRulesTest {

    private static AnswerVerifier verifier;

    @BeforeAll
    static void start() {
        verifier =
                AnswerVerifier.create(VerifierConfig.defaults().withTimeout(Duration.ofSeconds(5)));
    }

    @AfterAll
    static void stop() {
        verifier.close();
    }

    @ParameterizedTest(name = "{0} = {1} ({2})")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                // normalisation
                "$18$ | 18 | dollar signs",
                "\\$18.90 | 18.90 | escaped dollar",
                "\\text{Evelyn} | evelyn | text wrapper, case",
                "\\mathrm{east} | \\text{East} | mathrm wrapper",
                "\\left( 3, \\frac{\\pi}{2} \\right) | (3,\\frac{\\pi}{2}) | left/right",
                "10,\\!080 | 10080 | negative space thousands",
                "1\\,000 | 1000 | thin space",
                "\\dfrac{17}{50} | \\frac{17}{50} | dfrac",
                "\\tfrac{1}{2} | 0.5 | tfrac vs decimal",
                "90^\\circ | 90 | degrees",
                "90^{\\circ} | 90 | braced degrees",
                "50\\% | 50 | percent",
                "5. | 5 | trailing dot",
                "8,000 | 8000 | thousands separator",
                "11,\\! 111,\\! 111,\\! 100 | 11111111100 | thousands with spaces",
                "x = 5 | 5 | leading variable",
                "y = 2x + 3 | 2x+3 | leading variable of a line",
                "x \\in [-2,7] | [-2,7] | leading membership",
                "864 \\mbox{ inches}^2 | 864 | unit with power",
                "5.4 \\text{ cents} | 5.4 | unit word",
                "\\frac{270}7\\text{ degrees} | \\frac{270}{7} | unit after fraction",
                "  3  | 3 | spaces",
                "5 \\text{ apples} | 5 | words after a number in text",
                "16\\text{ cm}^2 | 16 | unit with power in text",
                "18 eggs | 18 | plain words after a number",
                "1.5e-3 | 0.0015 | scientific notation",
                "2e | 5.43656365692 | Euler's number vs a decimal within tolerance",
                "2.5 \\times 10^{3} | 2500 | times ten to the",
                // numbers
                "-50 | -50 | integer",
                "0.15 | .15 | decimal without leading zero",
                "1.25 | \\frac54 | decimal vs fraction",
                "3/2 | \\frac{3}{2} | slash fraction",
                "\\frac12 | 1/2 | unbraced frac",
                "\\frac 59 | 5/9 | frac with space",
                "1\\frac{4}{5} | \\frac95 | mixed number",
                "137 \\frac{1}{2} | 137.5 | spaced mixed number",
                "18.000 | 18 | trailing zeros",
                "0.3333333333 | \\frac13 | within tolerance",
                "52_8 | 42 | base subscript",
                "4210_{5} | 555 | braced base subscript",
                "2^{10} | 1024 | power",
                "5! | 120 | factorial",
                "\\binom{5}{2} | 10 | binomial",
                "10^{-2} | 0.01 | negative power",
                // symbolic
                "\\sqrt{117} | 3\\sqrt{13} | radicals",
                "\\sqrt{51} | 51^{1/2} | root as power",
                "\\frac{\\pi}{2} | \\pi/2 | pi",
                "-\\frac{\\pi}{6} | -\\pi/6 | negative pi",
                "p - q | -q + p | symbols",
                "(x+1)^2 | x^2+2x+1 | polynomial",
                "x^5 - x^4 + x^3 - x^2 + x - 1 | (x-1)(x^4+x^2+1) | factored polynomial",
                "\\frac{\\sqrt{3}}{3} | \\frac{1}{\\sqrt{3}} | rationalised",
                "\\cot x | \\frac{\\cos x}{\\sin x} | trig",
                "2k+2 | 2(k+1) | implicit product",
                "6 - 5i | 6-5i | complex",
                "-2 + 7i | 7i-2 | complex reordered",
                "\\frac{11+9a}{20} | \\frac{11}{20}+\\frac{9a}{20} | split fraction",
                "3R^2 | 3 R^2 | capital variable",
                // structures
                "(6,31,-1) | (6, 31, -1) | tuple",
                "(3,4] | (3,4] | half-open interval",
                "(-\\infty, 0] | (-\\infty,0] | infinite interval",
                "(0,9) \\cup (9,36) | (9,36) \\cup (0,9) | union any order",
                "\\{1,2,3\\} | \\{3,1,2\\} | set any order",
                "1,-2 | -2, 1 | comma list any order",
                "x = 1 \\text{ or } x = 2 | 2, 1 | solutions joined by or",
                "3 \\pm 2\\sqrt{2} | 3-2\\sqrt{2}, 3+2\\sqrt{2} | plus-minus",
                "\\{1\\pm\\sqrt{5},-2\\} | -2, 1+\\sqrt5, 1-\\sqrt5 | set with plus-minus",
                "\\begin{pmatrix} -1/3 \\\\ 2/3 \\\\ 5/3 \\end{pmatrix} | \\begin{pmatrix} -\\frac13 \\\\ \\frac23 \\\\ \\frac53 \\end{pmatrix} | column vector",
                "\\begin{bmatrix} -1 & 0 \\\\ 0 & -1 \\end{bmatrix} | \\begin{pmatrix} -1 & 0 \\\\ 0 & -1 \\end{pmatrix} | matrix",
                "5x - 7y + 11z + 4 = 0 | 5x+11z-7y+4=0 | equation",
                "\\text{(C)} | C | choice",
                "\\textbf{(B)} | (B) | bold choice",
                "(6,31,-1) | 6, 31, -1 | tuple vs bare list",
                "\\begin{pmatrix} 1 \\\\ -2 \\end{pmatrix} | (1,-2) | column vector vs tuple",
                "\\textbf{(C)}\\ 5 | C | choice with its value",
            })
    void equivalent(String answer, String gold, String rule) {
        Verification v = verifier.compare(answer, gold);
        assertThat(v.verdict())
                .as("%s: %s vs %s: %s", rule, answer, gold, v)
                .isEqualTo(Verdict.CORRECT);
        Verification reverse = verifier.compare(gold, answer);
        assertThat(reverse.verdict())
                .as("%s reversed: %s", rule, reverse)
                .isEqualTo(Verdict.CORRECT);
    }

    @ParameterizedTest(name = "{0} != {1} ({2})")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "\\text{Evelyn} | \\text{Navin} | different text",
                "(1,2) | 12 | a tuple is not a thousands number",
                "1,2 | 12 | a list is not a thousands number",
                "100, 200 | 100200 | spaced list is not a thousands number",
                "8,001 | 8000 | thousands separator, other number",
                "x = 6 | 5 | leading variable, other value",
                "90^\\circ | 91 | degrees, other value",
                "50\\% | 51 | percent, other value",
                "18 | -18 | sign",
                "0.15 | 0.16 | decimal",
                "1.25 | \\frac43 | decimal vs fraction",
                "3/2 | \\frac{2}{3} | fraction swapped",
                "\\frac12 | 12 | unbraced frac is not a number",
                "1\\frac{4}{5} | \\frac45 | mixed number",
                "0.333 | \\frac13 | outside tolerance",
                "52_8 | 52 | base subscript",
                "\\sqrt{51} | \\sqrt{52} | radicals",
                "3\\sqrt{13} | \\sqrt{118} | radicals close",
                "\\pi | \\frac{355}{113} | pi vs its approximation",
                "\\frac{1}{2004!} | 0 | tiny exact number",
                "10^{-20} | 0 | tiny power",
                "(10^{100})! | 1 | huge factorial (Symja evaluates it to 1)",
                "p - q | q - p | symbols",
                "(x+1)^2 | x^2+x+1 | polynomial",
                "6 - 5i | 6 + 5i | complex conjugate",
                "2k | 2k+2 | linear",
                "(6,31,-1) | (6,31,1) | tuple element",
                "(6,31,-1) | (31,6,-1) | tuple order",
                "(3,4] | (3,4) | interval bracket",
                "[2,5) | (2,5] | interval brackets swapped",
                "(0,9) \\cup (9,36) | (0,9) \\cup (9,37) | union",
                "\\{1,2,3\\} | \\{1,2\\} | set size",
                "1,-2 | 1, 2 | comma list",
                "x = 1 \\text{ or } x = 3 | 1, 2 | solutions joined by or",
                "3 \\pm 2\\sqrt{2} | 3+2\\sqrt{2} | plus-minus needs both",
                "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix} | \\begin{pmatrix} 2 \\\\ 1 \\end{pmatrix} | vector order",
                "\\begin{pmatrix} 1 & 2 \\end{pmatrix} | \\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix} | matrix shape",
                "5x - 7y + 11z + 4 = 0 | 5x - 7y + 11z - 4 = 0 | equation",
                "y = 2x + 3 | 2x + 4 | line",
                "\\text{(C)} | \\text{(D)} | choice",
                "5 \\text{ apples} | 6 | words after another number",
                "16\\text{ cm}^2 | 256 | unit power is not an exponent",
                "2e | 2 | Euler's number, not an empty exponent",
                "1.5e-3 | 0.015 | scientific notation",
                "\\begin{pmatrix} 1 \\\\ -2 \\end{pmatrix} | (-2,1) | column vector order",
                "\\text{even} | \\text{odd} | text",
                "\\frac{\\sqrt{3}}{3} | \\sqrt{3} | radical fraction",
            })
    void notEquivalent(String answer, String gold, String rule) {
        Verification v = verifier.compare(answer, gold);
        assertThat(v.verdict())
                .as("%s: %s vs %s: %s", rule, answer, gold, v)
                .isEqualTo(Verdict.WRONG);
        Verification reverse = verifier.compare(gold, answer);
        assertThat(reverse.verdict()).as("%s reversed: %s", rule, reverse).isEqualTo(Verdict.WRONG);
    }
}
