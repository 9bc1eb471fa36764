package dev.reef.tools.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reef.Channel;
import dev.reef.RemoteHandlerException;
import dev.reef.RequestTimeoutException;
import dev.reef.UnknownDestinationException;
import dev.reef.tools.internal.Durations;
import dev.reef.tools.launch.ReefConnection;
import dev.reef.tools.launch.Settings;
import dev.reef.spore.SporeJson;
import dev.reef.spore.Timestamps;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import dev.reef.StreamIdleException;

/** {@code reef send}: one spore from flags or JSON; with {@code --wait}, a request, and its reply. */
@Command(name = "send", sortOptions = false, mixinStandardHelpOptions = true,
    versionProvider = ReefCli.Version.class,
    description = {
        "Sends one spore; with --wait, sends a request and prints its reply: the reply's knowledge, "
            + "pretty-printed, on stdout and a one-line summary on stderr; with --json, the whole spore as one "
            + "JSON line (the spore sent, or the reply). With --wait --stream, each part of a streamed reply "
            + "as it arrives, one line each, then the reply.",
        "Exit code 0 when sent (or answered), 1 when the send failed, no reply came, the stream went idle or "
            + "the handler failed, 2 for bad input."})
final class SendCommand extends ReefSubcommand {
  /** How long the command waits for a future past its deadline, for the backend to say how it ended. */
  private static final Duration SETTLING = Duration.ofMillis(200);

  @Mixin
  ConnectionOptions connection;

  @Mixin
  OutputOptions output;

  @Option(names = {"-c", "--channel"}, paramLabel = "CHANNEL", defaultValue = "main",
      description = "The channel (default ${DEFAULT-VALUE}).")
  String channel;

  @Option(names = {"-t", "--to"}, paramLabel = "AGENT", description = "The recipient; without it, a broadcast.")
  String to;

  @Option(names = {"-f", "--from"}, paramLabel = "AGENT", defaultValue = "cli",
      description = "The sender's agent name (default ${DEFAULT-VALUE}).")
  String from;

  @Option(names = {"-k", "--knowledge"}, paramLabel = "JSON", converter = Converters.JsonObjectConverter.class,
      description = "The knowledge: a JSON object, or @FILE.")
  ObjectNode knowledge;

  @Option(names = "--type", paramLabel = "TYPE", converter = Converters.SporeTypeConverter.class,
      description = "knowledge, request, response, broadcast or notification (default: request with --wait, "
          + "knowledge with --to, else broadcast).")
  SporeType type;

  @Option(names = "--priority", paramLabel = "1..10", description = "Priority (default 5).")
  Integer priority;

  @Option(names = "--ttl", paramLabel = "DURATION", description = "Expire the spore after DURATION.")
  Duration ttl;

  @Option(names = "--metadata", paramLabel = "JSON", converter = Converters.JsonObjectConverter.class,
      description = "Metadata: a JSON object, or @FILE.")
  ObjectNode metadata;

  @Option(names = "--spore", paramLabel = "JSON", converter = Converters.JsonObjectConverter.class,
      description = "The whole spore as JSON with SPEC field names (spore_type, from_agent, to_agent, knowledge, ...),"
          + " or @FILE; id and created_at are filled in when missing. Not combined with the flags above.")
  ObjectNode sporeJson;

  @Option(names = {"-w", "--wait"}, description = "Send a request and print its reply.")
  boolean await;

  @Option(names = "--stream", description = "With --wait: the reply comes in parts; print each as it arrives, on "
      + "one line (its word or text field, else its knowledge; with --json the part's spore), then the reply. "
      + "--timeout is then the longest wait between parts.")
  boolean stream;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s",
      description = "How long the command may take, connecting included: for the broker to take the spore, or "
          + "with --wait for the reply; with --stream, the longest wait between parts (default ${DEFAULT-VALUE}); "
          + "then it gives up, saying why when it can tell.")
  Duration timeout;

  SendCommand(Map<String, String> environment) {
    super(environment);
  }

  @Override
  public Integer call() throws InterruptedException {
    Spore spore = spore();
    if (timeout.isZero() || timeout.isNegative()) {
      throw usage("--timeout must be positive");
    }
    if (stream && !await) {
      throw usage("--stream prints the parts of a reply: add --wait");
    }
    CommandDeadline deadline = CommandDeadline.start(timeout);
    Settings settings = settings(connection.flags(), connection);
    ReefConnection reef = connect(settings);
    try {
      Channel target = channel(reef);
      if (deadline.remaining().isZero()) {
        status("gave up before sending: starting and connecting took the whole --timeout of "
            + Durations.format(timeout));
        return 1;
      }
      if (!await) {
        return send(reef, target, spore, deadline);
      }
      return stream ? requestStream(reef, target, spore) : request(reef, target, spore, deadline);
    } finally {
      deadline.close(reef);
    }
  }

  private Channel channel(ReefConnection reef) {
    try {
      return reef.reef().channel(channel);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  private int request(ReefConnection reef, Channel target, Spore spore, CommandDeadline deadline)
      throws InterruptedException {
    long start = System.nanoTime();
    Duration left = deadline.remaining();
    try {
      // The request's own timeout ends its future at the deadline; the wait below is only a backstop.
      Spore reply = target.request(spore, left).get(left.plus(SETTLING).plusSeconds(5).toMillis(),
          TimeUnit.MILLISECONDS);
      if (output.json()) {
        out().println(SporeJson.encode(reply));
        out().flush();
      } else {
        out().println(SporeText.knowledge(reply));
        out().flush();
        status("reply from '" + reply.fromAgent() + "' in " + SporeText.elapsed(Duration.ofNanos(System.nanoTime()
            - start)) + " (request " + spore.id() + ", reply " + reply.id() + ")");
      }
      return 0;
    } catch (ExecutionException e) {
      status(whyNoReply(reef, spore, ErrorReporting.unwrap(e)));
      return 1;
    } catch (TimeoutException e) {
      status("no answer, not even a timeout, within " + Durations.format(left.plusSeconds(5)));
      return 1;
    }
  }

  /** A streamed request: no overall deadline (a stream may run long), but --timeout between parts. */
  private int requestStream(ReefConnection reef, Channel target, Spore spore) throws InterruptedException {
    long start = System.nanoTime();
    StreamedRequest streamed = new StreamedRequest(out(), output.json());
    try {
      Spore reply = streamed.run(target, spore, timeout);
      if (!output.json()) {
        status(streamed.parts() + " part(s), then the reply from '" + reply.fromAgent() + "' in "
            + SporeText.elapsed(Duration.ofNanos(System.nanoTime() - start)) + " (request " + spore.id() + ", reply "
            + reply.id() + ")");
      }
      return 0;
    } catch (ExecutionException e) {
      Throwable cause = ErrorReporting.unwrap(e);
      // The idle timeout's message says how many parts came; any other failure is told with the count.
      status(cause instanceof StreamIdleException ? ErrorReporting.oneLine(cause.getMessage())
          : whyNoReply(reef, spore, cause) + " (after " + streamed.parts() + " part(s))");
      return 1;
    } catch (TimeoutException e) {
      status("no part and no end of the stream, not even an idle timeout, within "
          + Durations.format(timeout.plusSeconds(5)) + " (after " + streamed.parts() + " part(s)); cancelled");
      return 1;
    }
  }

  /** Why a request got no reply, in one line: with the broker's alarm when it held the request back. */
  private String whyNoReply(ReefConnection reef, Spore spore, Throwable cause) throws InterruptedException {
    if (cause instanceof RequestTimeoutException) {
      String why = CommandDeadline.whyBrokerHeldBack(reef);
      return "no reply from agent '" + spore.toAgent() + "' within " + Durations.format(timeout) + " (request "
          + spore.id() + ")" + (why.isEmpty() ? "" : ": " + why);
    }
    if (cause instanceof UnknownDestinationException) {
      return "request failed: " + notFound(reef, cause, spore.toAgent());
    }
    if (cause instanceof RemoteHandlerException remote) {
      return "agent '" + remote.agent() + "' failed to answer: " + remote.errorType() + ": " + remote.remoteMessage();
    }
    return "request failed: " + ErrorReporting.oneLine(ErrorReporting.describe(cause));
  }

  private int send(ReefConnection reef, Channel target, Spore spore, CommandDeadline deadline)
      throws InterruptedException {
    try {
      (spore.isBroadcast() ? target.broadcast(spore) : target.send(spore))
          .get(deadline.remaining().plus(SETTLING).toMillis(), TimeUnit.MILLISECONDS);
      out().println(output.json() ? SporeJson.encode(spore) : "sent " + SporeText.describe(spore) + " on channel '"
          + channel + "' of namespace '" + reef.reef().namespace() + "'");
      out().flush();
      return 0;
    } catch (ExecutionException e) {
      Throwable cause = ErrorReporting.unwrap(e);
      status("send failed: " + (cause instanceof UnknownDestinationException
          ? notFound(reef, cause, spore.toAgent())
          : ErrorReporting.oneLine(ErrorReporting.describe(cause))));
      return 1;
    } catch (TimeoutException e) {
      String why = CommandDeadline.whyBrokerHeldBack(reef);
      status(why.isEmpty() ? "the broker did not take the spore within " + Durations.format(timeout)
          : "not sent within " + Durations.format(timeout) + ": " + why);
      return 1;
    }
  }

  /** An unknown destination, with the namespace it was looked for in and the close names the directory knows. */
  private String notFound(ReefConnection reef, Throwable cause, String agent) throws InterruptedException {
    return ErrorReporting.oneLine(ErrorReporting.describe(cause)) + " in namespace '" + reef.reef().namespace() + "'"
        + KnownAgents.didYouMean(reef, agent, channel);
  }

  /** The spore the flags describe, checked before connecting. */
  private Spore spore() {
    try {
      return sporeJson != null ? fromJson() : fromFlags();
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  private Spore fromFlags() {
    SporeType chosen = type != null ? type
        : await ? SporeType.REQUEST
        : to == null ? SporeType.BROADCAST
        : SporeType.KNOWLEDGE;
    requireRequestOnlyWithWait(chosen);
    Spore.Builder builder = Spore.builder(chosen).from(from).to(to).knowledge(knowledge).metadata(metadata);
    if (priority != null) {
      builder.priority(priority);
    }
    if (ttl != null) {
      builder.expiresIn(ttl);
    }
    return builder.build();
  }

  private Spore fromJson() {
    if (to != null || knowledge != null || type != null || priority != null || ttl != null || metadata != null) {
      throw new IllegalArgumentException("--spore gives the whole spore: leave out --to, --knowledge, --type, "
          + "--priority, --ttl and --metadata");
    }
    ObjectNode node = sporeJson.deepCopy();
    if (!node.hasNonNull("id")) {
      node.put("id", UUID.randomUUID().toString());
    }
    if (!node.hasNonNull("created_at")) {
      node.put("created_at", Timestamps.format(Instant.now()));
    }
    if (!node.hasNonNull("from_agent")) {
      node.put("from_agent", from);
    }
    Spore spore = SporeJson.fromTree(node);
    requireRequestOnlyWithWait(spore.type());
    return spore;
  }

  private void requireRequestOnlyWithWait(SporeType chosen) {
    if (await && chosen != SporeType.REQUEST) {
      throw new IllegalArgumentException("--wait sends a request, but the spore type is " + chosen.wireValue());
    }
    if (!await && chosen == SporeType.REQUEST) {
      throw new IllegalArgumentException("a request waits for its reply: add --wait");
    }
  }
}
