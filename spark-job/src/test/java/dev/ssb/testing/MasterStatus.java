package dev.ssb.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;

/** Polls a standalone Master's JSON status ({@code http://host:webui/json/}) on loopback. */
final class MasterStatus {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(500);

    private final URI uri;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    MasterStatus(String url) {
        this.uri = URI.create(url);
    }

    /** One reading of the master's state. */
    record State(JsonNode json) {
        boolean alive() {
            return "ALIVE".equals(json.path("status").asText());
        }

        /** Whether an ALIVE worker offers at least these cores and GPUs. */
        boolean aliveWorkerWith(int cores, int gpus) {
            for (JsonNode worker : json.path("workers")) {
                if ("ALIVE".equals(worker.path("state").asText())
                        && worker.path("cores").asInt() >= cores
                        && gpuCount(worker) >= gpus) {
                    return true;
                }
            }
            return false;
        }

        private static int gpuCount(JsonNode worker) {
            return worker.path("resources").path("gpu").path("addresses").size();
        }
    }

    /**
     * Polls until {@code ready} holds, failing fast when {@code process} exits.
     *
     * @throws IllegalStateException on exit or timeout, with the end of the process's log
     */
    void await(Process process, Path logDir, Duration timeout, Predicate<State> ready) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        String.format(
                                "Cannot start Spark: pid %d exited with code %d%n%s",
                                process.pid(),
                                process.exitValue(),
                                StandaloneCluster.logTail(logDir)));
            }
            try {
                HttpResponse<String> response =
                        http.send(
                                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                                HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    last = response.body();
                    if (ready.test(new State(JSON.readTree(last)))) {
                        return;
                    }
                }
            } catch (IOException e) {
                last = e.toString(); // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + uri, e);
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + uri, e);
            }
        }
        throw new IllegalStateException(
                String.format(
                        "Cannot start Spark: not ready after %s; last status from %s: %s%n%s",
                        timeout, uri, last, StandaloneCluster.logTail(logDir)));
    }
}
