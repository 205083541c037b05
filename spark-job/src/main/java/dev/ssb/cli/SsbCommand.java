package dev.ssb.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ssb}: the command line of the project, and the main class of the spark-submit application.
 */
@Command(
        name = "ssb",
        mixinStandardHelpOptions = true,
        version = "ssb 0.1.0",
        description = "Semantic Soft Bootstrapping on Apache Spark.",
        subcommands = {
            CommandLine.HelpCommand.class,
            IngestCommand.class,
            RolloutCommand.class,
            CurateCommand.class,
            TeacherLogitsCommand.class,
            DistillCommand.class,
            VerifyCommand.class,
            EvaluateCommand.class,
            RunCommand.class,
            DemoCommand.class,
            GenerateCommand.class,
            ExportCommand.class,
            ToyModelCommand.class,
            SqlCommand.class,
        })
public final class SsbCommand implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SsbCommand.class);

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command tree. A failing command prints its message (not a stack trace, which goes to the
     * log at debug level) and exits with 1; usage errors exit with 2.
     */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new SsbCommand());
        cli.setExecutionExceptionHandler(
                (e, cmd, parsed) -> {
                    LOG.debug("{} failed", cmd.getCommandName(), e);
                    cmd.getErr().println("ssb " + cmd.getCommandName() + ": " + e.getMessage());
                    cmd.getErr().flush();
                    return 1;
                });
        return cli;
    }
}
