package dev.reef.amqp.process;

import dev.reef.Channel;
import dev.reef.Reef;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The main class of a traced agent JVM (launched with {@link AgentJvm.Builder#mainClass}): one Reef
 * on {@code REEF_AMQP_URI} traced through Micrometer Observation and OpenTelemetry, as a service
 * would be, exporting every span it ends to standard output as a {@link SpanLines} {@code SPAN} line.
 * It runs the ends of a chain {@code client -> a -> b -> c} whose middle runs elsewhere: agent
 * {@code a} answers a request by asking {@code b}, and agent {@code c} prints {@code HANDLED c
 * sporeId}.
 *
 * <p>Arguments: {@code --namespace=NS --channel=CH} (others {@link AgentJvm} passes are ignored).
 * Prints {@code READY pid} once subscribed; {@code stop} or the end of standard input closes the Reef,
 * exports what is left, prints {@code STOPPED} and exits.
 */
public final class TracedChainProcess {
  private TracedChainProcess() {}

  /** Runs the agents until {@code stop}. */
  public static void main(String[] args) throws IOException {
    String namespace = null;
    String channelName = null;
    for (String arg : args) {
      if (arg.startsWith("--namespace=")) {
        namespace = arg.substring("--namespace=".length());
      } else if (arg.startsWith("--channel=")) {
        channelName = arg.substring("--channel=".length());
      }
    }
    String uri = System.getenv("REEF_AMQP_URI");
    if (namespace == null || channelName == null || uri == null) {
      throw new IllegalArgumentException("--namespace=, --channel= and REEF_AMQP_URI are required");
    }
    Tracers tracing = Tracers.exportingTo(SpanLines.exporter(System.out, "jvm-" + ProcessHandle.current().pid()));
    Reef reef = Reef.builder().uri(uri).namespace(namespace).observationRegistry(tracing.observations())
        .drainTimeout(Duration.ofSeconds(5)).build();
    Channel channel = reef.channel(channelName);
    channel.subscribe("a", (spore, context) -> context.request("b", Map.of("step", 2), Duration.ofSeconds(20)));
    channel.subscribe("c", (spore, context) -> {
      System.out.println("HANDLED c " + spore.id());
      return null;
    });
    System.out.println("READY " + ProcessHandle.current().pid());
    BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = input.readLine(); line != null && !line.trim().equals("stop"); line = input.readLine()) {
      System.err.println("ignored command '" + line + "'");
    }
    reef.close();
    tracing.close();
    System.out.println("STOPPED");
    System.out.flush();
    System.exit(0);
  }
}
