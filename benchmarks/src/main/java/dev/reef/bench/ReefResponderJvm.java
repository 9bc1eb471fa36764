package dev.reef.bench;

import dev.reef.Reef;
import dev.reef.SubscriptionOptions;

/**
 * The responder JVM of the RPC latency scenario: an agent whose handler returns the request's
 * knowledge as its reply. Prints {@code READY}; ends when its standard input ends.
 *
 * <p>Parameters: {@code uri}, {@code namespace}, {@code channel}, {@code agent}, {@code prefetch}.
 */
final class ReefResponderJvm {
  private ReefResponderJvm() {}

  public static void main(String[] args) throws Exception {
    Params params = Params.of(args);
    String uri = params.text("uri", Broker.LOCAL);
    String namespace = params.text("namespace", "bench");
    String channelName = params.text("channel", "rpc");
    String agent = params.text("agent", "echo");
    int prefetch = params.intValue("prefetch", 64, 64, 1);
    params.requireAllUsed();
    try (Reef reef = Reef.builder().uri(uri).namespace(namespace).build()) {
      SubscriptionOptions options = SubscriptionOptions.DEFAULT.toBuilder().prefetch(prefetch).build();
      reef.channel(channelName).subscribe(agent, options, (spore, context) -> spore.knowledge());
      System.out.println("READY");
      System.out.flush();
      Latencies.awaitEndOfInput();
    }
  }
}
