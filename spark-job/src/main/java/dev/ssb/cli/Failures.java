package dev.ssb.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * How a failed command reports and ends: one short block with the messages of the cause chain
 * (stack traces only with {@code --verbose}), then an exit that cannot hang on a stuck shutdown.
 *
 * <p>Anything may reach the top: a "Cannot …" exception of our own, a Spark job failure, or an
 * {@link Error} such as Hadoop's {@code FSError} on a full disk or an {@link OutOfMemoryError}.
 * Picocli hands exceptions to its execution-exception handler but lets errors through, so the
 * execution strategy below catches those.
 */
final class Failures {

    /** The global flag that adds stack traces to a failure's report. */
    static final String VERBOSE = "--verbose";

    /**
     * How long the JVM's shutdown (Spark stopping its context, log flushing) may take after a
     * failed command before the process is halted: a failure must end the process within seconds.
     */
    static final long HALT_AFTER_MS = 3_000;

    /** At most this many links of a cause chain are printed. */
    private static final int MAX_CAUSES = 8;

    private Failures() {}

    /** The failure's report: the command, then one line per distinct message of the chain. */
    static String describe(String command, Throwable failure) {
        List<String> lines = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        String previous = null;
        for (Throwable t = failure;
                t != null && seen.add(t) && lines.size() < MAX_CAUSES;
                t = t.getCause()) {
            String line = line(t);
            // wrappers often repeat their cause's text (new Error(cause) says cause.toString())
            if (previous == null || !previous.contains(line)) {
                lines.add(line);
                previous = line;
            }
        }
        StringBuilder out = new StringBuilder("ssb ").append(command).append(": ");
        out.append(lines.get(0));
        for (String cause : lines.subList(1, lines.size())) {
            out.append(System.lineSeparator()).append("  caused by: ").append(cause);
        }
        return out.toString();
    }

    /**
     * One throwable in one line: its message's first line (Spark puts the executor's stack trace
     * into a job failure's message), with the class name when the message alone would not tell what
     * happened (errors, or no message).
     */
    private static String line(Throwable t) {
        String message = t.getMessage() == null ? "" : t.getMessage().strip();
        int newline = message.indexOf('\n');
        if (newline >= 0) {
            message = message.substring(0, newline).strip();
        }
        if (message.isEmpty()) {
            return t.getClass().getSimpleName();
        }
        return t instanceof Exception ? message : t.getClass().getSimpleName() + ": " + message;
    }

    /** Prints a failure of {@code command}: the short block, and the stack trace when verbose. */
    static int report(CommandLine command, ParseResult parsed, Throwable failure) {
        PrintWriter err = command.getErr();
        err.println(describe(command.getCommandName(), failure));
        if (verbose(parsed)) {
            failure.printStackTrace(err);
        } else if (!(failure instanceof Exception)) {
            err.println("  (" + VERBOSE + " prints the stack trace)");
        }
        err.flush();
        return 1;
    }

    /** Whether {@code --verbose} was given anywhere on the command line. */
    static boolean verbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(VERBOSE)) {
                return true;
            }
        }
        return false;
    }

    /** The command line of the innermost subcommand the user asked for. */
    static CommandLine innermost(ParseResult parsed) {
        ParseResult p = parsed;
        while (p.subcommand() != null) {
            p = p.subcommand();
        }
        return p.commandSpec().commandLine();
    }

    /**
     * Ends the process with {@code status}. After a failure a daemon thread halts the JVM if the
     * orderly shutdown has not finished within {@link #HALT_AFTER_MS}: what a run has committed is
     * already on disk (a table counts only once its manifest is), so nothing is lost by not
     * waiting.
     */
    static void exit(int status) {
        if (status != 0) {
            Thread halt =
                    new Thread(
                            () -> {
                                try {
                                    Thread.sleep(HALT_AFTER_MS);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                                System.err.println(
                                        "ssb: the shutdown did not finish within "
                                                + HALT_AFTER_MS
                                                + " ms; halting");
                                System.err.flush();
                                Runtime.getRuntime().halt(status);
                            },
                            "ssb-exit-watchdog");
            halt.setDaemon(true);
            halt.start();
        }
        System.exit(status);
    }
}
