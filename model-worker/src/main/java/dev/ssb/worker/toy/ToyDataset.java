package dev.ssb.worker.toy;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssb.worker.api.ToyData;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Train and test splits of toy problems, written in GSM8K's JSONL form ({@code question}, {@code
 * answer} = one calculation per line then {@code #### N}) so every stage reads them like GSM8K.
 */
public final class ToyDataset {

    public static final String TRAIN_FILE = ToyData.TRAIN_FILE;
    public static final String TEST_FILE = ToyData.TEST_FILE;

    private static final Logger LOG = LoggerFactory.getLogger(ToyDataset.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Consecutive duplicate draws after which the question space counts as exhausted (at a 99%
     * duplicate rate this is still ~10^-44 likely to trigger by chance).
     */
    private static final int MAX_DUPLICATES_IN_A_ROW = 10_000;

    /** Two splits with no question text in common. */
    public record Splits(List<ToyProblem> train, List<ToyProblem> test) {
        public Splits {
            train = List.copyOf(requireNonNull(train, "train is null"));
            test = List.copyOf(requireNonNull(test, "test is null"));
        }
    }

    private ToyDataset() {}

    /**
     * Generates {@code testSize} then {@code trainSize} problems from one seeded stream, skipping
     * any question text already drawn, so the splits are disjoint and duplicate-free and the test
     * split depends only on the seed, the difficulty and its own size.
     *
     * @throws IllegalStateException when the difficulty cannot produce that many distinct questions
     */
    public static Splits generate(
            long seed, int trainSize, int testSize, ToyDifficulty difficulty) {
        if (trainSize < 0 || testSize < 0) {
            throw new IllegalArgumentException(
                    "Invalid split sizes: train="
                            + trainSize
                            + ", test="
                            + testSize
                            + " (must be >= 0)");
        }
        ToyProblemGenerator generator = new ToyProblemGenerator(seed, difficulty);
        Set<String> seen = new HashSet<>();
        List<ToyProblem> test =
                draw(generator::next, seen, "toy-test-", testSize, MAX_DUPLICATES_IN_A_ROW);
        List<ToyProblem> train =
                draw(generator::next, seen, "toy-train-", trainSize, MAX_DUPLICATES_IN_A_ROW);
        return new Splits(train, test);
    }

    /** Draws problems with ids {@code prefix + index} until {@code size} new questions. */
    static List<ToyProblem> draw(
            Function<String, ToyProblem> next,
            Set<String> seen,
            String prefix,
            int size,
            int maxDuplicatesInARow) {
        List<ToyProblem> out = new ArrayList<>(size);
        int duplicatesInARow = 0;
        while (out.size() < size) {
            ToyProblem p = next.apply(String.format("%s%05d", prefix, out.size()));
            if (seen.add(p.question())) {
                out.add(p);
                duplicatesInARow = 0;
            } else if (++duplicatesInARow >= maxDuplicatesInARow) {
                throw new IllegalStateException(
                        String.format(
                                "Cannot generate %d distinct %s problems: only %d after %d"
                                        + " duplicates in a row (raise the difficulty knobs)",
                                size, prefix, out.size(), duplicatesInARow));
            }
        }
        return out;
    }

    /**
     * Generates the splits and writes {@code dir/train.jsonl} and {@code dir/test.jsonl} (UTF-8,
     * one object per line, {@code \n} line ends). The bytes depend only on the arguments.
     */
    public static Splits write(
            Path dir, long seed, int trainSize, int testSize, ToyDifficulty difficulty) {
        Splits splits = generate(seed, trainSize, testSize, difficulty);
        try {
            Files.createDirectories(dir);
            writeJsonl(dir.resolve(TRAIN_FILE), splits.train());
            writeJsonl(dir.resolve(TEST_FILE), splits.test());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write toy dataset to " + dir, e);
        }
        LOG.info(
                "Wrote toy dataset to {}: {} train, {} test problems (seed {}, {})",
                dir,
                splits.train().size(),
                splits.test().size(),
                seed,
                difficulty);
        return splits;
    }

    /** One GSM8K-style JSON object: {@code {"question": ..., "answer": "...\n#### N"}}. */
    public static String toJsonLine(ToyProblem problem) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("question", problem.question());
        row.put("answer", ToySolutions.gsm8k(problem));
        try {
            return JSON.writeValueAsString(row);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise problem " + problem.id(), e);
        }
    }

    /** Writes problems as GSM8K-style JSONL (UTF-8, one object per line, {@code \n} line ends). */
    public static void writeJsonl(Path file, List<ToyProblem> problems) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (ToyProblem p : problems) {
                out.write(toJsonLine(p));
                out.write('\n');
            }
        }
    }
}
