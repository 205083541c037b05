package dev.ssb.eval;

import static java.util.Objects.requireNonNull;

import dev.ssb.stage.SampleSettings;
import java.util.Optional;

/**
 * What an evaluation ran: recorded in its summary so the numbers can be reproduced.
 *
 * @param runId run folder name
 * @param configHash hash of the resolved configuration
 * @param modelId the base checkpoint
 * @param adapterPath the student adapter directory, if a student was evaluated
 * @param adapterHash SHA-256 of the adapter's files, if a student was evaluated
 * @param problems the held-out problems table
 * @param settings sampling, seeds and prompts shared by both models
 */
public record EvalInfo(
        String runId,
        String configHash,
        String modelId,
        Optional<String> adapterPath,
        Optional<String> adapterHash,
        String problems,
        SampleSettings settings) {
    public EvalInfo {
        requireNonNull(runId, "runId is null");
        requireNonNull(configHash, "configHash is null");
        requireNonNull(modelId, "modelId is null");
        requireNonNull(adapterPath, "adapterPath is null");
        requireNonNull(adapterHash, "adapterHash is null");
        requireNonNull(problems, "problems is null");
        requireNonNull(settings, "settings is null");
    }
}
