package dev.ssb.distill;

import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The progress line a user follows, every N steps: step, loss, tokens/s and ETA. */
final class TrainProgress {

    private static final Logger LOG = LoggerFactory.getLogger(TrainProgress.class);

    private final int start;
    private final int total;
    private final int epochs;
    private final int every;
    private final long t0 = System.nanoTime();
    private long tokens;

    /**
     * @param start steps done before this process (a resumed run), excluded from the rates
     * @param total steps of the run
     * @param epochs epochs of the run
     * @param every steps between lines (the last step always gets one)
     */
    TrainProgress(int start, int total, int epochs, int every) {
        this.start = start;
        this.total = total;
        this.epochs = epochs;
        this.every = every;
    }

    void step(StepMetrics m) {
        tokens += m.tokens();
        if (m.step() % every != 0 && m.step() != total) {
            return;
        }
        LOG.info(line(m, (System.nanoTime() - t0) / 1e9));
    }

    /** The line after {@code m}, {@code seconds} after this process started training. */
    String line(StepMetrics m, double seconds) {
        double s = Math.max(1e-9, seconds);
        int done = Math.max(1, m.step() - start);
        long eta = Math.round(s / done * (total - m.step()));
        return String.format(
                Locale.ROOT,
                "distill step %d/%d (epoch %d/%d): loss %.4f (kd %.4f, ce %.4f), grad norm %.3f,"
                        + " lr %.2e, %.0f tokens/s, ETA %s",
                m.step(),
                total,
                m.epoch() + 1,
                epochs,
                m.loss(),
                m.lossKd(),
                m.lossCe(),
                m.gradNorm(),
                m.lr(),
                tokens / s,
                format(Duration.ofSeconds(eta)));
    }

    private static String format(Duration d) {
        return d.toHours() > 0
                ? String.format("%dh%02dm", d.toHours(), d.toMinutesPart())
                : String.format("%dm%02ds", d.toMinutes(), d.toSecondsPart());
    }
}
