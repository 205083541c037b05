package dev.ssb.cli;

import dev.ssb.config.ConfigResolver;
import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The flags every stage command takes; they override the configuration file. */
final class CommonOptions {

    @Option(
            names = "--conf",
            paramLabel = "FILE",
            description =
                    "Run configuration (.properties, Hadoop path); overrides conf/ssb-local.properties.")
    String conf;

    @Option(names = "--problems", paramLabel = "PATH", description = "Sets data.problems.")
    String problems;

    private static final String MODEL_HELP =
            "Sets model.checkpoint (an HF folder or embedded:toy).";

    @Option(names = "--model", paramLabel = "CHECKPOINT", description = MODEL_HELP)
    String model;

    @Option(names = "--out", paramLabel = "DIR", description = "Sets out, the output root.")
    String out;

    @Option(names = "--run-id", paramLabel = "ID", description = "Sets run_id, the run folder.")
    String runId;

    @Option(names = "--force", description = "Redo the stage even when it is complete.")
    boolean force;

    @Option(
            names = "--dry-run",
            description =
                    "Validate the configuration and input paths, print what would be read and"
                            + " written, and exit without starting Spark.")
    boolean dryRun;

    @Option(
            names = {"-s", "--set"},
            paramLabel = "KEY=VALUE",
            description = "Sets any configuration key, e.g. --set rollout.samples=8 (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    /** The configuration: these flags > --set > --conf file > shipped defaults. */
    SsbConfig resolve() {
        return resolve(Map.of());
    }

    /** As {@link #resolve()}, with a command's own defaults above the shipped ones. */
    SsbConfig resolve(Map<String, String> commandDefaults) {
        Map<String, String> cli = new LinkedHashMap<>(overrides);
        put(cli, SsbProperties.DATA_PROBLEMS, problems);
        put(cli, SsbProperties.MODEL_CHECKPOINT, model);
        put(cli, SsbProperties.OUT, out);
        put(cli, SsbProperties.RUN_ID, runId);
        return ConfigResolver.resolve(Optional.ofNullable(conf), commandDefaults, cli);
    }

    private static void put(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
