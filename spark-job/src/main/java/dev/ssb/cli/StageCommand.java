package dev.ssb.cli;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.pipeline.Stages;
import dev.ssb.spark.SparkSessions;
import dev.ssb.stage.Stage;
import dev.ssb.table.StageOutput;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ssb <stage>}: one command per declared stage ({@link Stages#COMMANDS}), built from its
 * declaration: help text, {@code --problems} for its first path key, an option per flag key, {@code
 * --resume} when resumable, the dry-run plan, and what it prints after running.
 */
@Command(mixinStandardHelpOptions = true)
final class StageCommand implements Callable<Integer> {

    static final String RESUME = "--resume";

    @Mixin CommonOptions options;
    @Spec CommandSpec spec;

    private final Stage stage;

    private StageCommand(Stage stage) {
        this.stage = stage;
    }

    /** Adds a command per declared stage to {@code ssb}. */
    static void addAll(CommandLine ssb) {
        for (Stage stage : Stages.COMMANDS) {
            ssb.addSubcommand(stage.name(), commandLine(stage));
        }
    }

    static CommandLine commandLine(Stage stage) {
        CommandLine cli = new CommandLine(new StageCommand(stage));
        CommandSpec spec = cli.getCommandSpec();
        spec.name(stage.name());
        // picocli formats descriptions: a literal % is written %%
        spec.usageMessage()
                .description(
                        stage.description().stream()
                                .map(line -> line.replace("%", "%%"))
                                .toArray(String[]::new));
        for (var entry : stage.flags().entrySet()) {
            String key = entry.getKey();
            spec.addOption(
                    OptionSpec.builder(flag(key))
                            .paramLabel(entry.getValue())
                            .type(String.class)
                            .description(
                                    "Sets "
                                            + key
                                            + ": "
                                            + SsbProperties.all().get(key).doc().replace("%", "%%")
                                            + ".")
                            .build());
        }
        if (stage.has(Stage.Trait.RESUMABLE)) {
            spec.addOption(
                    OptionSpec.builder(RESUME)
                            .description(
                                    "Continue from the newest checkpoint (without it an"
                                            + " unfinished run starts over).")
                            .build());
        }
        return cli;
    }

    /** The option of a flag key: its last segment, e.g. --tag for eval.tag. */
    static String flag(String key) {
        return "--" + key.substring(key.lastIndexOf('.') + 1);
    }

    @Override
    public Integer call() {
        List<String> paths = stage.paths();
        if (options.problems != null && !paths.isEmpty()) {
            // --problems names the stage's own input file (eval.problems for evaluate)
            options.overrides.put(paths.get(0), options.problems);
            options.problems = null;
        }
        for (String key : stage.flags().keySet()) {
            String value = spec.findOption(flag(key)).getValue();
            if (value != null) {
                options.overrides.put(key, value);
            }
        }
        boolean resume =
                stage.has(Stage.Trait.RESUMABLE)
                        && Boolean.TRUE.equals(spec.findOption(RESUME).getValue());
        SsbConfig config = options.resolve();
        PrintWriter out = spec.commandLine().getOut();
        if (options.dryRun) {
            out.print(Stages.plan(stage, config, resume).render());
            out.flush();
            return 0;
        }
        SparkSession spark = SparkSessions.getOrCreate("ssb " + stage.name());
        StageOutput.Outcome outcome = Stages.run(stage, spark, config, options.force, resume);
        stage.report().report(stage, out, spark, config, outcome);
        return 0;
    }
}
