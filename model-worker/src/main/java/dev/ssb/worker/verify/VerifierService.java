package dev.ssb.worker.verify;

import dev.ssb.worker.api.AnswerVerifier;
import dev.ssb.worker.api.AnswerVerifierProvider;
import dev.ssb.worker.api.VerifierConfig;

/**
 * The {@link AnswerVerifierProvider} service (listed in {@code META-INF/services}): {@link
 * Verifiers#create}.
 */
public final class VerifierService implements AnswerVerifierProvider {

    @Override
    public AnswerVerifier create(VerifierConfig config) {
        return Verifiers.create(config);
    }
}
