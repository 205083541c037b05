package dev.ssb.eval;

import dev.ssb.spark.ExecutorVerifier;
import dev.ssb.stage.SampleSettings;
import dev.ssb.stage.SampleWork;
import dev.ssb.worker.api.AnswerVerifier;
import dev.ssb.worker.api.Generation;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.Verification;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One task's evaluation samples for one model: n samples per problem on the {@code eval} random
 * stream (the student on its own replica, keyed by the adapter's hash, that has the adapter merged
 * once: base replicas never see it), each verified, and its answer grouped with the problem's other
 * answers for the majority vote.
 */
final class EvalPartition extends SampleWork {

    /** The random stream of evaluation samples: never shared with rollouts or the teacher. */
    static final String SEED_STREAM = "eval";

    private final String decoding;
    private final ModelTag tag;
    private final Broadcast<StudentAdapter> student; // null for the base model

    /**
     * @param decoding the {@code decoding} column: sampled or greedy
     */
    EvalPartition(
            SampleSettings settings,
            String decoding,
            ModelTag tag,
            Broadcast<StudentAdapter> student) {
        super(settings, SEED_STREAM);
        this.decoding = decoding;
        if ((tag == ModelTag.STUDENT) != (student != null)) {
            throw new IllegalArgumentException(
                    "Invalid partition: " + tag + " with adapter " + student);
        }
        this.tag = tag;
        this.student = student;
    }

    @Override
    public LoraAdapter adapter() {
        return student == null ? null : student.value().adapter();
    }

    @Override
    public String adapterHash() {
        return student == null ? null : student.value().sha256();
    }

    @Override
    protected List<Row> rows(Samples s) {
        Row problem = s.problem();
        int n = s.seeds().length;
        List<Verification> checks = s.replies().verdicts().subList(s.first(), s.first() + n);
        List<String> answers = checks.stream().map(Verification::extracted).toList();
        AnswerVerifier verifier = ExecutorVerifier.get();
        int[] groups = AnswerGroups.of(answers, (a, b) -> verifier.compare(a, b).isCorrect());
        String adapterPath = student == null ? null : student.value().path();
        String adapterHash = student == null ? null : student.value().sha256();
        List<Row> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Generation g = s.replies().generations().get(s.first() + i);
            rows.add(
                    RowFactory.create(
                            tag.column(),
                            decoding,
                            problem.<String>getAs("problem_id"),
                            i,
                            s.seeds()[i],
                            g.text(),
                            g.tokenIds().length,
                            g.finishReason().name(),
                            answers.get(i),
                            problem.<String>getAs("gold_answer"),
                            checks.get(i).verdict().name(),
                            StrictMatch.matches(answers.get(i), problem.getAs("gold_answer")),
                            groups[i] == AnswerGroups.NONE ? null : groups[i],
                            s.modelId(),
                            adapterPath,
                            adapterHash,
                            s.executorId(),
                            s.replies().genMs(),
                            settings.model().runId(),
                            settings.model().configHash()));
        }
        return rows;
    }
}
