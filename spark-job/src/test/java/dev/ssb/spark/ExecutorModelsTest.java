package dev.ssb.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssb.fixtures.RandomCheckpoints;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.LanguageModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutorModelsTest {
    private static final ExecutorModels.Key TOY =
            new ExecutorModels.Key("embedded:toy", Device.cpu());

    @AfterEach
    void close() {
        ExecutorModels.closeAll();
    }

    @Test
    void withTwoReplicasTwoTasksDecodeAtOnceOnDistinctModels() throws Exception {
        ExecutorModels.closeAll();
        int loadsBefore = ExecutorModels.loads();
        CountDownLatch bothInside = new CountDownLatch(2);
        Set<LanguageModel> seen = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> a = pool.submit(() -> hold(2, bothInside, seen));
            Future<?> b = pool.submit(() -> hold(2, bothInside, seen));
            a.get(60, TimeUnit.SECONDS);
            b.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(seen).hasSize(2);
        assertThat(ExecutorModels.loads() - loadsBefore).isEqualTo(2);
        // a later task reuses a loaded replica
        assertThat(ExecutorModels.withModel(TOY, 2, seen::contains)).isTrue();
        assertThat(ExecutorModels.loads() - loadsBefore).isEqualTo(2);
    }

    @Test
    void withOneReplicaTasksTakeTurnsOnTheSameModel() throws Exception {
        ExecutorModels.closeAll();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        Set<LanguageModel> seen = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Future<?>[] tasks = new Future<?>[3];
            for (int i = 0; i < tasks.length; i++) {
                tasks[i] =
                        pool.submit(
                                () ->
                                        ExecutorModels.withModel(
                                                TOY,
                                                1,
                                                model -> {
                                                    most.accumulateAndGet(
                                                            inside.incrementAndGet(), Math::max);
                                                    seen.add(model);
                                                    sleep(200);
                                                    inside.decrementAndGet();
                                                    return null;
                                                }));
            }
            for (Future<?> t : tasks) {
                t.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(most.get()).isEqualTo(1);
        assertThat(seen).hasSize(1);
    }

    @Test
    void aFullCacheClosesTheLeastRecentlyUsedIdleModelFirst(@TempDir Path tmp) {
        ExecutorModels.closeAll();
        ExecutorModels.Key b = key(tmp.resolve("b"), 1);
        ExecutorModels.Key c = key(tmp.resolve("c"), 2);
        int loads = ExecutorModels.loads();
        int closed = ExecutorModels.closed();
        LanguageModel a1 = use(TOY);
        LanguageModel b1 = use(b);
        assertThat(use(TOY)).isSameAs(a1); // a used last
        assertThat(ExecutorModels.size()).isEqualTo(2);
        assertThat(ExecutorModels.loads() - loads).isEqualTo(2);

        use(c); // full: b, the least recently used, goes
        assertThat(ExecutorModels.size()).isEqualTo(2);
        assertThat(ExecutorModels.closed() - closed).isEqualTo(1);
        assertThat(use(TOY)).isSameAs(a1);
        assertThat(ExecutorModels.loads() - loads).isEqualTo(3);
        assertThat(use(b)).isNotSameAs(b1); // loaded again
        assertThat(ExecutorModels.loads() - loads).isEqualTo(4);
        assertThat(ExecutorModels.size()).isEqualTo(2);
    }

    @Test
    void aReplicaWhoseTaskThrewIsClosedAndReplaced() {
        ExecutorModels.closeAll();
        LanguageModel first = use(TOY);
        int loads = ExecutorModels.loads();
        int closed = ExecutorModels.closed();
        assertThatThrownBy(
                        () ->
                                ExecutorModels.withModel(
                                        TOY,
                                        1,
                                        2,
                                        m -> {
                                            throw new IllegalStateException("device error");
                                        }))
                .hasMessage("device error");
        assertThat(ExecutorModels.closed() - closed).isEqualTo(1);
        assertThat(ExecutorModels.size()).isZero();
        LanguageModel next = use(TOY);
        assertThat(next).isNotSameAs(first);
        assertThat(ExecutorModels.loads() - loads).isEqualTo(1);
        assertThat(use(TOY)).isSameAs(next);
    }

    @Test
    void shutdownWaitsABoundedTimeForATaskHoldingAModel() throws Exception {
        ExecutorModels.closeAll();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> task =
                    pool.submit(
                            () ->
                                    ExecutorModels.withModel(
                                            TOY,
                                            1,
                                            2,
                                            m -> {
                                                inside.countDown();
                                                await(done);
                                                return null;
                                            }));
            assertThat(inside.await(60, TimeUnit.SECONDS)).isTrue();
            long t0 = System.nanoTime();
            assertThat(ExecutorModels.closeAll(Duration.ofMillis(300))).isEqualTo(1);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).isBetween(250L, 10_000L);
            done.countDown();
            task.get(60, TimeUnit.SECONDS);
            assertThat(ExecutorModels.closeAll(Duration.ofSeconds(10))).isZero();
            assertThat(ExecutorModels.size()).isZero();
        } finally {
            done.countDown();
            pool.shutdownNow();
        }
    }

    /** The model a task on {@code key} gets (one replica, a cache of two). */
    private static LanguageModel use(ExecutorModels.Key key) {
        return ExecutorModels.<LanguageModel>withModel(key, 1, 2, m -> m);
    }

    private static ExecutorModels.Key key(Path dir, long seed) {
        return new ExecutorModels.Key(
                RandomCheckpoints.toy(dir, 16, 32, 1, 2, seed).toString(), Device.cpu());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Holds a replica until {@code n} tasks hold one each (fails by timeout if they cannot). */
    private static Void hold(int limit, CountDownLatch bothInside, Set<LanguageModel> seen) {
        return ExecutorModels.withModel(
                TOY,
                limit,
                model -> {
                    seen.add(model);
                    bothInside.countDown();
                    try {
                        assertThat(bothInside.await(30, TimeUnit.SECONDS)).isTrue();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                    return null;
                });
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
