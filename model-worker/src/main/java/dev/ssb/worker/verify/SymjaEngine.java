package dev.ssb.worker.verify;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.matheclipse.core.basic.Config;
import org.matheclipse.core.eval.ExprEvaluator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Symja evaluations on a small pool of warm worker threads, each with its own ExprEvaluator (a
 * shared one is not thread-safe), under a deadline. Symja cannot be cancelled once inside
 * BigInteger arithmetic, so a call that overruns is abandoned: the caller gets a timeout at once,
 * and a fresh warm worker replaces the busy one until it finishes on its own.
 */
final class SymjaEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SymjaEngine.class);

    /** Keeps {@code 9^(9^9)} and friends unevaluated instead of running for hours. */
    static final int MAX_BIT_LENGTH = 200_000;

    /** {@code n!} stays unevaluated for n above Symja's default limit of 1000. */
    static final int ITERATION_LIMIT = 20_000;

    /** At most this many abandoned workers are replaced per pool worker; then checks queue. */
    private static final int MAX_REPLACEMENTS_PER_WORKER = 4;

    /**
     * A new evaluator spends its first evaluations (hundreds of ms) loading and compiling rules:
     * every worker pays that before it takes work, not inside a check's time bound.
     */
    private static final String[] WARM_UP = {
        "1+1",
        "PossibleZeroQ(3*Sqrt(13)-Sqrt(117))",
        "PossibleZeroQ(3-3*Sqrt(2))",
        "PossibleZeroQ((vx+1)^2-(vx^2+2*vx+1))",
        "PossibleZeroQ(vx^2-2*vx)",
        "PossibleZeroQ(Cot(vx)-Cos(vx)/Sin(vx))",
        "PossibleZeroQ((6-5*I)-(6+5*I))",
        "PossibleZeroQ(Pi/2-Pi/3)",
        "PossibleZeroQ(vp-vq-(vq-vp))",
        "Simplify((vp-vq)-(vq-vp))",
        "PossibleZeroQ(Log(2,8)-3+E^2-Exp(2)+ArcTan(1)-Pi/4+Factorial(5)-Binomial(6,3))"
    };

    private static final AtomicInteger THREADS = new AtomicInteger();
    private static volatile Boolean available;

    private static final ThreadLocal<ExprEvaluator> EVALUATOR =
            ThreadLocal.withInitial(SymjaEngine::newEvaluator);

    private final int workers;
    private final ThreadPoolExecutor pool;
    private int replacements;

    /** Starts {@code workers} threads and waits until they are warm. */
    SymjaEngine(int workers) {
        this.workers = workers;
        CountDownLatch warm = new CountDownLatch(workers);
        pool =
                new ThreadPoolExecutor(
                        workers,
                        workers,
                        0,
                        TimeUnit.SECONDS,
                        new LinkedBlockingQueue<>(),
                        r -> {
                            Thread t =
                                    new Thread(
                                            () -> {
                                                warmUp();
                                                warm.countDown();
                                                r.run();
                                            },
                                            "ssb-verify-symja-" + THREADS.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
        if (initialize()) {
            pool.prestartAllCoreThreads();
            try {
                if (!warm.await(60, TimeUnit.SECONDS)) {
                    LOG.warn("Symja workers still warming up after 60 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Loads Symja once per JVM; false when it cannot run on this classpath. */
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
                    available = "2".equals(EVALUATOR.get().eval("1+1").toString());
                    LOG.info("Symja ready in {} ms", (System.nanoTime() - start) / 1_000_000);
                } catch (Throwable t) {
                    LOG.error("Symja cannot start: symbolic answers will not verify", t);
                    available = false;
                }
            }
            return available;
        }
    }

    private static void warmUp() {
        try {
            ExprEvaluator evaluator = EVALUATOR.get();
            for (String query : WARM_UP) {
                evaluator.eval(query);
            }
        } catch (Throwable t) {
            EVALUATOR.remove();
            LOG.debug("Symja warm-up failed", t);
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
     * clock), waiting for a free worker counts against the deadline.
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
        Call call = new Call(input);
        Future<String> future;
        try {
            future = pool.submit(call);
        } catch (RuntimeException e) {
            return null; // closed
        }
        try {
            return future.get(remaining, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            call.abandon();
            future.cancel(true);
            throw e;
        } catch (InterruptedException e) {
            call.abandon();
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted");
        } catch (ExecutionException e) {
            return null;
        }
    }

    /**
     * One evaluation. Its lock orders the three events that matter (start, finish, abandon) so that
     * a replacement worker is added exactly when an abandoned call still holds its thread, and
     * removed when that call finishes.
     */
    private final class Call implements Callable<String> {
        private final String input;
        private boolean started;
        private boolean finished;
        private boolean abandoned;

        Call(String input) {
            this.input = input;
        }

        @Override
        public String call() {
            synchronized (this) {
                if (abandoned) {
                    return null;
                }
                started = true;
            }
            try {
                return EVALUATOR.get().eval(input).toString();
            } catch (Throwable t) {
                // a StackOverflowError or an engine left in a bad state: start afresh next time
                EVALUATOR.remove();
                return null;
            } finally {
                boolean wasAbandoned;
                synchronized (this) {
                    finished = true;
                    wasAbandoned = abandoned;
                    if (wasAbandoned) {
                        workerReleased();
                    }
                }
                if (wasAbandoned) {
                    Thread.interrupted();
                    EVALUATOR.remove();
                    warmUp();
                }
            }
        }

        synchronized void abandon() {
            if (!abandoned && started && !finished) {
                replaceAbandonedWorker();
            }
            abandoned = true;
        }
    }

    /** The abandoned call still holds its thread: add a warm worker until it is done. */
    private synchronized void replaceAbandonedWorker() {
        if (pool.isShutdown()) {
            return;
        }
        replacements++;
        if (replacements > workers * MAX_REPLACEMENTS_PER_WORKER) {
            return; // counted, so that its release is matched, but no more threads
        }
        pool.setMaximumPoolSize(pool.getMaximumPoolSize() + 1);
        pool.setCorePoolSize(pool.getCorePoolSize() + 1);
        pool.prestartCoreThread();
    }

    private synchronized void workerReleased() {
        if (pool.isShutdown()) {
            return;
        }
        replacements--;
        if (replacements >= workers * MAX_REPLACEMENTS_PER_WORKER) {
            return;
        }
        pool.setCorePoolSize(pool.getCorePoolSize() - 1);
        pool.setMaximumPoolSize(pool.getMaximumPoolSize() - 1);
    }

    /** Number of worker threads now (for tests). */
    int poolSize() {
        return pool.getPoolSize();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
