package dev.ssb.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLockTest {

    private final Configuration hadoop = new Configuration();
    @TempDir Path run;

    private org.apache.hadoop.fs.Path runPath() {
        return new org.apache.hadoop.fs.Path(run.toUri());
    }

    private Path lease() {
        return run.resolve(RunLock.FILE);
    }

    private void otherWriter(Instant renewed) throws Exception {
        Files.writeString(
                lease(),
                "{\"owner\":\"bob pid 7\",\"host\":\"gpu3\",\"started\":\"2026-12-04T09:00:00Z\","
                        + "\"purpose\":\"stage distill\"}");
        Files.setLastModifiedTime(lease(), FileTime.from(renewed));
    }

    @Test
    void aLiveLeaseOfAnotherWriterIsRefused() throws Exception {
        otherWriter(Instant.now());
        assertThatThrownBy(() -> RunLock.acquire(runPath(), hadoop, "test"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(
                        "bob pid 7 on gpu3 since 2026-12-04T09:00:00Z (stage distill)")
                .hasMessageContaining("not renewed for 10 min is taken over");
    }

    @Test
    void aStaleLeaseIsTakenOverAndReleased() throws Exception {
        otherWriter(Instant.now().minus(Duration.ofMinutes(11)));
        try (RunLock lock = RunLock.acquire(runPath(), hadoop, "stage ingest")) {
            String content = Files.readString(lease());
            assertThat(content)
                    .contains("pid " + ProcessHandle.current().pid())
                    .contains("stage ingest")
                    .doesNotContain("bob");
        }
        assertThat(lease()).doesNotExist();
    }

    @Test
    void nestedHoldsInOneJvmShareTheLease() throws Exception {
        RunLock outer = RunLock.acquire(runPath(), hadoop, "stage evaluate");
        RunLock inner = RunLock.acquire(runPath(), hadoop, "stage ingest");
        assertThat(inner).isSameAs(outer);
        inner.close();
        assertThat(lease()).exists();
        outer.close();
        assertThat(lease()).doesNotExist();
    }

    @Test
    void theHeartbeatRenewsTheLease() throws Exception {
        try (RunLock lock = RunLock.acquire(runPath(), hadoop, "t", Duration.ofMillis(400))) {
            Files.setLastModifiedTime(lease(), FileTime.from(Instant.now().minusSeconds(60)));
            Thread.sleep(600);
            Instant renewed = Files.getLastModifiedTime(lease()).toInstant();
            assertThat(Duration.between(renewed, Instant.now())).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void aLeaseOfADeadProcessOnThisHostIsTakenOverAtOnce() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(
                lease(),
                "{\"owner\":\"carol pid "
                        + gone.pid()
                        + "\",\"host\":\""
                        + java.net.InetAddress.getLocalHost().getHostName()
                        + "\",\"pid\":"
                        + gone.pid()
                        + ",\"started\":\"2026-12-04T09:00:00Z\",\"purpose\":\"stage rollout\"}");
        try (RunLock lock = RunLock.acquire(runPath(), hadoop, "stage rollout")) {
            assertThat(Files.readString(lease())).contains("pid " + ProcessHandle.current().pid());
        }
    }
}
