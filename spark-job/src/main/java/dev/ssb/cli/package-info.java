/** The {@code ssb} command line: one picocli command per pipeline stage. */
package dev.ssb.cli;
