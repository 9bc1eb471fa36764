package dev.reef.tools.cli;

import dev.reef.tools.internal.Secrets;
import java.io.PrintWriter;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * How {@code reef} reports failures: one line on stderr, secrets masked, and the exit code says
 * whose fault it was: 2 for bad input (flags, JSON, config, an argument a Reef API refuses), 1 for
 * everything else (broker unreachable, no reply, a send refused).
 */
final class ErrorReporting implements IParameterExceptionHandler, IExecutionExceptionHandler {

  @Override
  public int handleParseException(ParameterException error, String[] args) {
    CommandLine command = error.getCommandLine();
    report(command, error.getMessage(), true);
    return ExitCode.USAGE;
  }

  @Override
  public int handleExecutionException(Exception error, CommandLine command, ParseResult parseResult) {
    Throwable cause = unwrap(error);
    // Reef's public entry points throw IllegalArgumentException for arguments they refuse: here those
    // came from the command line.
    boolean badInput = cause instanceof IllegalArgumentException;
    report(command, describe(cause), badInput);
    return badInput ? ExitCode.USAGE : ExitCode.SOFTWARE;
  }

  private static void report(CommandLine command, String message, boolean withHelpHint) {
    String name = command.getCommandSpec().qualifiedName(" ");
    PrintWriter err = command.getErr();
    err.println(name + ": " + oneLine(message) + (withHelpHint ? " (see '" + name + " --help')" : ""));
    err.flush();
  }

  /** The message on one line, secrets masked. */
  static String oneLine(String message) {
    String text = message == null || message.isBlank() ? "failed" : message.strip();
    return Secrets.mask(text.replaceAll("\\s*\\R\\s*", "; "));
  }

  static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  static String describe(Throwable error) {
    String message = error.getMessage();
    return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
  }
}
