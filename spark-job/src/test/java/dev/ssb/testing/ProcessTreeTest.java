package dev.ssb.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProcessTreeTest {

    private Process shell;

    @AfterEach
    void cleanUp() {
        if (shell != null) {
            shell.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            shell.destroyForcibly();
        }
    }

    /** A shell with two background children, once all three are running. */
    private Process shellWithChildren(String script) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", script).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (p.toHandle().descendants().count() < 2) {
            assertThat(System.nanoTime()).as("children of %d", p.pid()).isLessThan(deadline);
            Thread.sleep(20);
        }
        return p;
    }

    @Test
    void stopsTheRootAndItsDescendants() throws Exception {
        shell = shellWithChildren("sleep 300 & sleep 300 & wait");
        List<ProcessHandle> tree = allOf(shell);

        List<ProcessHandle> survivors =
                ProcessTree.destroy(List.of(shell.toHandle()), Duration.ofSeconds(10));

        assertThat(survivors).isEmpty();
        assertThat(tree).hasSize(3).noneMatch(ProcessHandle::isAlive);
    }

    @Test
    void killsProcessesThatIgnoreSigterm() throws Exception {
        // ignored signals stay ignored across fork and exec: the children ignore SIGTERM too
        shell = shellWithChildren("trap '' TERM; sleep 300 & sleep 300 & wait");
        List<ProcessHandle> tree = allOf(shell);

        long t0 = System.nanoTime();
        List<ProcessHandle> survivors =
                ProcessTree.destroy(List.of(shell.toHandle()), Duration.ofMillis(300));

        assertThat(survivors).isEmpty();
        assertThat(tree).noneMatch(ProcessHandle::isAlive);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void ignoresProcessesThatAlreadyExited() throws IOException, InterruptedException {
        Process done = new ProcessBuilder("true").start();
        done.waitFor();

        assertThat(ProcessTree.destroy(List.of(done.toHandle()), Duration.ofSeconds(1))).isEmpty();
    }

    private static List<ProcessHandle> allOf(Process p) {
        List<ProcessHandle> all = new java.util.ArrayList<>(p.toHandle().descendants().toList());
        all.add(p.toHandle());
        return all;
    }
}
