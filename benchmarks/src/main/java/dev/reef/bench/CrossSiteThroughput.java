package dev.reef.bench;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.Subscription;
import dev.reef.SubscriptionOptions;
import dev.reef.sites.Site;
import dev.reef.sites.SiteList;
import dev.reef.sites.Sites;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Scenario {@code cross-site-throughput} (docs/sites.md): directed spores per second from site A to an
 * agent that runs only at site B (they cross the federation link), beside the same spores from A to an
 * agent at A, in the same run, in alternating rounds of N spores with a credit window. The ratio is
 * cross-site over same-site: what crossing a site link costs.
 *
 * <p>Needs two linked-able sites (brokers with the management and federation plugins), named in a
 * sites file; the scenario links them itself ({@code reef sites link}, idempotent) in its own namespace.
 * Reefs connect to each site with the file's {@code amqp_uri}, or {@code --a-uri} / {@code --b-uri}.
 *
 * <pre>
 * benchmarks/run cross-site-throughput --sites=sites.json [--messages=20000] [--rounds=5] [--window=1000]
 * </pre>
 */
final class CrossSiteThroughput {
  static final String SCENARIO = "cross-site-throughput";

  private CrossSiteThroughput() {}

  static Result run(Params params, PrintStream out) throws Exception {
    int messages = params.intValue("messages", 20_000, 500, 1);
    int rounds = params.intValue("rounds", 5, 1, 1);
    int warmup = params.intValue("warmup", 1, 1, 0);
    int window = params.intValue("window", 1_000, 100, 1);
    String sitesFile = params.text("sites", "");
    String aUri = params.text("a-uri", "");
    String bUri = params.text("b-uri", "");
    params.requireAllUsed();
    if (sitesFile.isBlank()) {
      throw new IllegalArgumentException(SCENARIO + " needs --sites=FILE: two sites whose brokers have the"
          + " management and federation plugins (see benchmarks/README.md)");
    }
    List<Site> sites = SiteList.read(Path.of(sitesFile));
    Site a = sites.get(0);
    Site b = sites.get(1);
    String namespace = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    Sites.admin(namespace, sites).link();
    String file = URLEncoder.encode(sitesFile, StandardCharsets.UTF_8);
    String atA = (aUri.isBlank() ? base(a) : aUri) + "?site=" + a.name() + "&sites=" + file;
    String atB = (bUri.isBlank() ? base(b) : bUri) + "?site=" + b.name() + "&sites=" + file;
    out.printf(Locale.ROOT, "scenario %s: %d spores per round, window %d, %d warm-up + %d rounds; site %s -> site %s%n",
        SCENARIO, messages, window, warmup, rounds, a.name(), b.name());
    try (Reef reefA = Reef.builder().uri(atA).namespace(namespace).heartbeat(Duration.ofSeconds(1)).build();
        Reef reefB = Reef.builder().uri(atB).namespace(namespace).heartbeat(Duration.ofSeconds(1)).build()) {
      Round[] current = {new Round(1_000_000, 1_000)}; // counts the probes sent before the rounds
      SubscriptionOptions options = SubscriptionOptions.builder().prefetch(256).build();
      Channel channelA = reefA.channel("bench");
      Subscription local = channelA.subscribe("near", options, (spore, ctx) -> {
        current[0].seen();
        return null;
      });
      Subscription remote = reefB.channel("bench").subscribe("far", options, (spore, ctx) -> {
        current[0].seen();
        return null;
      });
      awaitRemoteQueue(reefA, channelA);
      List<Double> crossRates = new ArrayList<>();
      List<Double> localRates = new ArrayList<>();
      for (int round = 0; round < warmup + rounds; round++) {
        boolean measured = round >= warmup;
        double cross = 0;
        double same = 0;
        for (int side = 0; side < 2; side++) {
          boolean crossSide = (side == 0) == (round % 2 == 0); // alternate which goes first
          Round run = new Round(messages, window);
          current[0] = run;
          run.start();
          for (int i = 0; i < messages; i++) {
            run.beforeSend();
            channelA.send("bench", crossSide ? "far" : "near", Map.of("i", i)).whenComplete((ok, error) -> {
              if (error != null) {
                run.failed(error);
              }
            });
          }
          double rate = messages / (run.await(crossSide ? "cross-site" : "same-site", 10, TimeUnit.MINUTES) / 1e9);
          if (crossSide) {
            cross = rate;
          } else {
            same = rate;
          }
        }
        out.printf(Locale.ROOT, "round %d/%d%s: cross-site %,.0f msgs/s  same-site %,.0f msgs/s  ratio %.3f%n",
            round + 1, warmup + rounds, measured ? "" : " (warm-up)", cross, same, cross / same);
        if (measured) {
          crossRates.add(cross);
          localRates.add(same);
        }
      }
      local.close();
      remote.close();
      Result result = Result.rate(SCENARIO, Rates.median(crossRates), Rates.median(localRates), "msgs/s");
      out.printf(Locale.ROOT, "median of %d rounds: cross-site %,.0f msgs/s, same-site %,.0f msgs/s (spread %s and %s)%n",
          rounds, result.reef(), result.reference(), Rates.spread(crossRates), Rates.spread(localRates));
      out.println(result.line());
      reefA.admin().delete();
      reefB.admin().delete();
      return result;
    }
  }

  /**
   * Site A hears of B's agent (presence, federated) and declares its queue there: sends to it route from
   * then on. Probes until one is taken.
   */
  private static void awaitRemoteQueue(Reef reefA, Channel channelA) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try {
        channelA.send("bench", "far", Map.of("probe", true)).join();
        return;
      } catch (java.util.concurrent.CompletionException | dev.reef.UnknownDestinationException notYet) {
        Thread.sleep(200);
      }
    }
    throw new IllegalStateException("site A never heard of agent 'far' at site B: are the sites linked, and do"
        + " their federation links run? (reef sites status)");
  }

  /** The site's AMQP URI without its query, with a path (a bare host would not take the query). */
  private static String base(Site site) {
    String uri = site.amqpUri().toString();
    int query = uri.indexOf('?');
    String withoutQuery = query < 0 ? uri : uri.substring(0, query);
    return site.amqpUri().getRawPath() == null || site.amqpUri().getRawPath().isEmpty() ? withoutQuery + "/"
        : withoutQuery;
  }
}
