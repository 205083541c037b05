package dev.ssb.cli;

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
        subcommands = {CommandLine.HelpCommand.class, VerifyCommand.class})
public final class SsbCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command tree, for tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new SsbCommand());
    }
}
