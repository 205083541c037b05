package dev.ssb.cli;

/** The failure of a stage command whose stage is not part of this build yet. */
final class PendingStage {

    private PendingStage() {}

    static UnsupportedOperationException notAvailable(String stage, String needs) {
        return new UnsupportedOperationException(
                "Stage " + stage + " is not available in this build yet (it needs " + needs + ")");
    }
}
