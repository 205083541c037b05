package dev.ssb.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Stops processes together with every process they started, by PID. */
final class ProcessTree {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessTree.class);
    private static final Duration FORCE_WAIT = Duration.ofSeconds(10);

    private ProcessTree() {}

    /**
     * Asks {@code roots} and all their descendants to stop (SIGTERM), then kills (SIGKILL) those
     * still alive after {@code grace}. Descendants are listed before anything is signalled: once a
     * parent is gone its children are re-parented and can no longer be found from it.
     *
     * @return the processes that were still alive when this returned (normally none)
     */
    static List<ProcessHandle> destroy(Collection<ProcessHandle> roots, Duration grace) {
        Set<ProcessHandle> all = new LinkedHashSet<>();
        for (ProcessHandle root : roots) {
            root.descendants().forEach(all::add);
            all.add(root);
        }
        all.removeIf(p -> !p.isAlive());
        all.forEach(ProcessHandle::destroy);
        awaitExit(all, grace);
        for (ProcessHandle p : all) {
            if (p.isAlive()) {
                LOG.warn("Process {} ignored SIGTERM for {}: killing it", p.pid(), grace);
                p.destroyForcibly();
            }
        }
        awaitExit(all, FORCE_WAIT);
        List<ProcessHandle> survivors = new ArrayList<>();
        for (ProcessHandle p : all) {
            if (p.isAlive()) {
                LOG.error("Cannot stop process {}: still alive after SIGKILL", p.pid());
                survivors.add(p);
            }
        }
        return survivors;
    }

    private static void awaitExit(Collection<ProcessHandle> processes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ProcessHandle p : processes) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                p.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                // timed out (or the handle cannot be waited on): the caller checks isAlive()
            }
        }
    }
}
