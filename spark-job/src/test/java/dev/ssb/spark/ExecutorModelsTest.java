package dev.ssb.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.LanguageModel;
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
