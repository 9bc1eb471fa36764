package dev.reef.tools.cli;

import dev.reef.tools.launch.ReefConnection;
import io.micrometer.core.instrument.Gauge;
import java.time.Duration;
import java.time.Instant;

/**
 * The one deadline of a command that honours {@code --timeout}: counted from the moment its process
 * started when it runs as the {@code reef} process ({@link #countFromProcessStart()}), else from the
 * start of the command, so that starting, connecting and waiting all fit in it; closing the
 * connection afterwards may take at most {@link #CLOSE_GRACE} more. When it passes, {@link #whyBrokerHeldBack} tells the
 * one cause the command can know for sure: the broker blocks the connection (a resource alarm).
 */
final class CommandDeadline {
  /** How long closing may go on once the command is done and its deadline has passed. */
  static final Duration CLOSE_GRACE = Duration.ofSeconds(1);
  /**
   * The AMQP backend's gauge of the connections the broker blocks; read by name, as the tools use no
   * backend's classes. Other backends have no such gauge: then no cause is given.
   */
  private static final String BLOCKED_GAUGE = "reef.amqp.connection.blocked";

  /** When the {@code reef} process started, once {@link ReefCli#main} said this process is it. */
  private static volatile Instant processStart;

  private final Duration timeout;
  private final long deadlineNanos;

  private CommandDeadline(Duration timeout, long deadlineNanos) {
    this.timeout = timeout;
    this.deadlineNanos = deadlineNanos;
  }

  /**
   * This process runs one command, the {@code reef} process's: its deadlines count from the process's
   * start (when the system tells it). A command run inside another program counts from its own start.
   */
  static void countFromProcessStart() {
    processStart = ProcessHandle.current().info().startInstant().orElse(null);
  }

  /** {@code timeout} from the start of the {@code reef} process, or from now (see {@link #countFromProcessStart()}). */
  static CommandDeadline start(Duration timeout) {
    Instant now = Instant.now();
    Instant started = processStart;
    Duration elapsed = started == null ? Duration.ZERO : Duration.between(started, now);
    if (elapsed.isNegative()) {
      elapsed = Duration.ZERO;
    }
    return new CommandDeadline(timeout, System.nanoTime() - elapsed.toNanos() + timeout.toNanos());
  }

  /** The {@code --timeout} it was made from. */
  Duration timeout() {
    return timeout;
  }

  /** What is left of it; zero once it passed. */
  Duration remaining() {
    return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
  }

  /**
   * Why the broker has not taken what this command sent, when the command can tell: its Reef's
   * connection is blocked by the broker. Empty otherwise.
   */
  static String whyBrokerHeldBack(ReefConnection reef) {
    double blocked = reef.reef().meterRegistry().find(BLOCKED_GAUGE).gauges().stream().mapToDouble(Gauge::value)
        .sum();
    return blocked > 0 ? "the broker blocks publishing on this connection: a resource alarm (the broker is low on"
        + " memory or disk space); it takes spores again once the alarm clears" : "";
  }

  /**
   * Closes {@code reef}, waiting for it until the deadline but at least {@link #CLOSE_GRACE}: a
   * connection the broker blocks can take far longer to close, and the process ends without it (the
   * broker drops the connection when the process is gone).
   */
  void close(ReefConnection reef) throws InterruptedException {
    Thread closing = new Thread(reef::close, "reef-command-close");
    closing.setDaemon(true);
    closing.start();
    Duration wait = remaining().compareTo(CLOSE_GRACE) > 0 ? remaining() : CLOSE_GRACE;
    closing.join(Math.max(1, wait.toMillis()));
  }
}
