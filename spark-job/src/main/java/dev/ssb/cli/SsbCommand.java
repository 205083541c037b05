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
            VerifyCommand.class,
            RunCommand.class,
            DemoCommand.class,
            CompareCommand.class,
            GenerateCommand.class,
            ExportCommand.class,
            ToyModelCommand.class,
            SqlCommand.class,
            StagesCommand.class,
            DoctorCommand.class,
        })
public final class SsbCommand implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SsbCommand.class);

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @CommandLine.Option(
            names = Failures.VERBOSE,
            scope = CommandLine.ScopeType.INHERIT,
            description = "On failure, print stack traces as well as the messages.")
    boolean verbose;

    /**
     * Runs the command line and ends the process with its status; a failure ends it within seconds
     * (see {@link Failures#exit}).
     */
    public static void main(String[] args) {
        Failures.exit(commandLine().execute(args));
    }

    /**
     * The command tree. A failing command prints the messages of its cause chain in one short block
     * (stack traces with {@code --verbose}; they also go to the log at debug level) and exits with
     * 1, whatever it threw, errors included; usage errors exit with 2.
     */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new SsbCommand());
        StageCommand.addAll(cli);
        cli.setExecutionExceptionHandler(
                (e, cmd, parsed) -> {
                    LOG.debug("{} failed", cmd.getCommandName(), e);
                    return Failures.report(cmd, parsed, e);
                });
        CommandLine.IExecutionStrategy runLast = new CommandLine.RunLast();
        cli.setExecutionStrategy(
                parsed -> {
                    try {
                        return runLast.execute(parsed);
                    } catch (CommandLine.ParameterException | CommandLine.ExecutionException e) {
                        throw e; // usage errors and exceptions: picocli's handlers above
                    } catch (Throwable e) { // errors, which picocli does not catch
                        CommandLine cmd = Failures.innermost(parsed);
                        LOG.debug("{} failed", cmd.getCommandName(), e);
                        return Failures.report(cmd, parsed, e);
                    }
                });
        return cli;
    }
}
