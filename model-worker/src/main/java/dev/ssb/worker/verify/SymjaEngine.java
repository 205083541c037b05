package dev.ssb.worker.verify;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.matheclipse.core.basic.Config;
import org.matheclipse.core.eval.ExprEvaluator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Symja evaluations on worker threads with a deadline. Symja cannot be cancelled once inside
 * BigInteger arithmetic, so a call that overruns its deadline is abandoned: the caller gets a
 * timeout at once, the worker finishes (or is interrupted) on its own, and the pool makes a new
 * thread for the next call. Each worker thread owns its ExprEvaluator (a shared one is not
 * thread-safe).
 */
final class SymjaEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SymjaEngine.class);

    /** Keeps {@code 9^(9^9)} and friends unevaluated instead of running for hours. */
    static final int MAX_BIT_LENGTH = 200_000;

    /** {@code n!} stays unevaluated for n above Symja's default limit of 1000. */
    static final int ITERATION_LIMIT = 20_000;

    private static final String[] WARM_UP = {
        "PossibleZeroQ(3*Sqrt(13)-Sqrt(117))",
        "PossibleZeroQ((vx+1)^2-(vx^2+2*vx+1))",
        "PossibleZeroQ(Cot(vx)-Cos(vx)/Sin(vx))",
        "PossibleZeroQ((6-5*I)-(6+5*I))",
        "PossibleZeroQ(Pi/2-Pi/3)",
        "Simplify((vp-vq)-(vq-vp))",
        "PossibleZeroQ(Log(2,8)-3+E^2-Exp(2)+ArcTan(1)-Pi/4+Factorial(5)-Binomial(6,3))"
    };

    private static final AtomicInteger THREADS = new AtomicInteger();
    private static volatile Boolean available;

    private static final ThreadLocal<ExprEvaluator> EVALUATOR =
            ThreadLocal.withInitial(SymjaEngine::newEvaluator);

    private final ThreadPoolExecutor pool;

    SymjaEngine() {
        ThreadFactory factory =
                r -> {
                    Thread t = new Thread(r, "ssb-verify-symja-" + THREADS.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                };
        // no queue: a busy (or abandoned) worker never delays another caller
        pool =
                new ThreadPoolExecutor(
                        0,
                        Integer.MAX_VALUE,
                        30,
                        TimeUnit.SECONDS,
                        new SynchronousQueue<>(),
                        factory);
    }

    /** Loads Symja once per JVM (about a second); false when it cannot run on this classpath. */
    static boolean initialize() {
        Boolean a = available;
        if (a != null) {
            return a;
        }
        synchronized (SymjaEngine.class) {
            if (available == null) {
                try {
                    long start = System.nanoTime();
                    Config.MAX_BIT_LENGTH = MAX_BIT_LENGTH;
                    ExprEvaluator evaluator = newEvaluator();
                    available = "2".equals(evaluator.eval("1+1").toString());
                    // the first evaluations of a JVM load and JIT-compile much of Symja: pay that
                    // here, not inside the first checks' time bounds
                    for (String warmUp : WARM_UP) {
                        evaluator.eval(warmUp);
                    }
                    LOG.info("Symja ready in {} ms", (System.nanoTime() - start) / 1_000_000);
                } catch (Throwable t) {
                    LOG.error("Symja cannot start: symbolic answers will not verify", t);
                    available = false;
                }
            }
            return available;
        }
    }

    private static ExprEvaluator newEvaluator() {
        ExprEvaluator evaluator = new ExprEvaluator(false, (short) 100);
        evaluator.getEvalEngine().setQuietMode(true);
        evaluator.getEvalEngine().setIterationLimit(ITERATION_LIMIT);
        return evaluator;
    }

    /**
     * Evaluates {@code input} (Symja syntax) before {@code deadlineNanos} ({@link System#nanoTime}
     * clock).
     *
     * @return the result in Symja's output form, or null when Symja failed on it
     * @throws TimeoutException when the deadline passed
     */
    String eval(String input, long deadlineNanos) throws TimeoutException {
        if (!initialize()) {
            return null;
        }
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            throw new TimeoutException();
        }
        Future<String> future;
        try {
            future = pool.submit(() -> evalHere(input));
        } catch (RuntimeException e) {
            return null; // pool closed
        }
        try {
            return future.get(remaining, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw e;
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted");
        } catch (ExecutionException e) {
            return null;
        }
    }

    private static String evalHere(String input) {
        try {
            return EVALUATOR.get().eval(input).toString();
        } catch (Throwable t) {
            // a StackOverflowError or an engine left in a bad state: start afresh next time
            EVALUATOR.remove();
            return null;
        } finally {
            if (Thread.interrupted()) {
                EVALUATOR.remove();
            }
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
