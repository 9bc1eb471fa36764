package dev.reef.amqp.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.reef.Reef;
import dev.reef.security.KeyRegistry;
import dev.reef.security.SporeSigning;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Issue 16, acceptance 5 (attack 7): another broker user, mallory-svc, reads a request's reply address
 * and publishes {@value #FORGED} replies straight into the requester's reply queue, each with a random
 * {@code from_agent}, half of them to the request already answered and half to request ids that never
 * were. The requester's Reef drops and counts every one, and afterwards has at most one meter more
 * than before (the late-reply counter, or with signature checks the rejected-spore counter: never one
 * per sender) and has logged a bounded number of lines (counted with an appender of the test's own).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ForgedLateRepliesTest {
  private static final int FORGED = 5_000;
  /** What Reef's bounded logs allow: 20 lines a minute each, and one line saying how many were left out. */
  private static final int LINES_PER_MINUTE = 21;
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final String namespace = "forged-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<Reef> reefs = new ArrayList<>();
  private final LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
  private SecureBroker broker;

  @BeforeEach
  void startBrokerAndCapture() {
    broker = SecureBroker.get();
    captured.setContext(logging);
    captured.start();
    logging.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(captured);
  }

  @AfterEach
  void closeReefsAndDeleteTheNamespace() throws Exception {
    logging.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(captured);
    captured.stop();
    reefs.forEach(reef -> reef.close(Duration.ofSeconds(2)));
    try (Connection guest = raw("guest")) {
      for (String queue : List.of(namespace + ".dead", namespace + ".main.victim", namespace + ".main.victim.expired")) {
        try (Channel channel = guest.createChannel()) {
          channel.queueDelete(queue);
        }
      }
      for (String exchange : List.of(namespace + ".main", namespace + ".dead", namespace + ".retry",
          namespace + ".presence")) {
        try (Channel channel = guest.createChannel()) {
          channel.exchangeDelete(exchange);
        }
      }
    }
  }

  @Test
  void forgedLateRepliesAddOneMeterAndABoundedNumberOfLogLines() throws Exception {
    reef("bob-svc", null).channel("main").subscribe("victim", (spore, ctx) -> Map.of("real", true));
    Reef alice = reef("alice-svc", null);

    Flood flood = flood(alice, () -> count(alice, "reef.replies.late"));

    assertThat(flood.dropped()).as("forged replies counted as late").isEqualTo(FORGED);
    assertThat(flood.added()).as("meters added by " + FORGED + " forged replies").hasSizeLessThanOrEqualTo(1)
        .allSatisfy(name -> assertThat(name).startsWith("reef.replies.late"));
    assertThat(flood.lines()).as("lines logged for " + FORGED + " forged replies")
        .hasSizeLessThanOrEqualTo(flood.lineBound());
  }

  @Test
  void withSignatureChecksForgedLateRepliesAreRejectedUnderOneMeterToo() throws Exception {
    KeyPair victimKey = SporeSigning.generateKeyPair();
    reef("bob-svc", SporeSigning.withKey("victim", victimKey.getPrivate())).channel("main")
        .subscribe("victim", (spore, ctx) -> Map.of("real", true));
    Reef alice = reef("alice-svc", SporeSigning.verifyOnly(KeyRegistry.of(Map.of("victim", victimKey.getPublic()))));

    Flood flood = flood(alice, () -> count(alice, "reef.spores.rejected"));

    assertThat(flood.dropped()).as("forged (unsigned) replies rejected").isEqualTo(FORGED);
    assertThat(flood.added()).as("meters added by " + FORGED + " forged replies").hasSizeLessThanOrEqualTo(1)
        .allSatisfy(name -> assertThat(name).startsWith("reef.spores.rejected"));
    assertThat(flood.lines()).as("lines logged for " + FORGED + " forged replies")
        .hasSizeLessThanOrEqualTo(flood.lineBound());
  }

  /** What the flood left: replies dropped, meters added (by id), lines logged, and the bound for those lines. */
  private record Flood(long dropped, Set<String> added, List<String> lines, int lineBound) {}

  /**
   * Asks the victim once (mallory reads the request on the way, as {@code reef tail} may), then
   * floods alice's reply queue and waits until {@code dropped} has counted every forged reply.
   */
  private Flood flood(Reef alice, java.util.function.LongSupplier dropped) throws Exception {
    try (Connection mallory = raw("mallory-svc"); Channel channel = mallory.createChannel()) {
      String tap = channel.queueDeclare().getQueue();
      channel.queueBind(tap, namespace + ".main", "agent.victim.*");
      assertThat(alice.channel("main").request("client", "victim", Map.of("q", 1), Duration.ofSeconds(20))
          .get(30, TimeUnit.SECONDS).knowledge().get("real").asBoolean()).isTrue();
      GetResponse request = await().atMost(WAIT).until(() -> channel.basicGet(tap, true), response -> response != null);
      String replyQueue = request.getProps().getReplyTo();
      String answered = String.valueOf(request.getProps().getHeaders().get("spore_id"));

      MeterRegistry registry = alice.meterRegistry();
      Set<String> before = ids(registry);
      long droppedBefore = dropped.getAsLong();
      int linesBefore = logged().size();
      long start = System.nanoTime();
      channel.confirmSelect();
      for (int i = 0; i < FORGED; i++) {
        String to = i % 2 == 0 ? answered : UUID.randomUUID().toString(); // late, or for a request never made
        channel.basicPublish("", replyQueue, forgedReply(randomAgent(), to), "{\"forged\":true}"
            .getBytes(StandardCharsets.UTF_8));
      }
      channel.waitForConfirmsOrDie(30_000);
      await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
          .until(() -> dropped.getAsLong() - droppedBefore >= FORGED);
      long minutes = TimeUnit.NANOSECONDS.toMinutes(System.nanoTime() - start);

      Set<String> added = new TreeSet<>(ids(registry));
      added.removeAll(before);
      List<ILoggingEvent> all = logged();
      List<String> lines = all.subList(linesBefore, all.size()).stream()
          .filter(event -> event.getLevel().isGreaterOrEqual(Level.INFO))
          .map(event -> event.getLevel() + " " + event.getLoggerName() + " - " + event.getFormattedMessage())
          .collect(Collectors.toList());
      // Every bounded log may start a fresh minute during the flood: its lines per minute, per minute begun.
      int bound = (int) (minutes + 2) * LINES_PER_MINUTE;
      System.out.printf("%d forged late replies from %s in %d ms: %d dropped and counted; meters before %d, after %d,"
              + " added %s; %d line(s) logged at INFO or above (bound %d), the first: %s%n",
          FORGED, "mallory-svc", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
          dropped.getAsLong() - droppedBefore, before.size(), ids(registry).size(), added, lines.size(), bound,
          lines.isEmpty() ? "-" : lines.get(0));
      return new Flood(dropped.getAsLong() - droppedBefore, added, lines, bound);
    }
  }

  /** What the appender holds now: it appends under its own lock (logback's AppenderBase). */
  private List<ILoggingEvent> logged() {
    synchronized (captured) {
      return new ArrayList<>(captured.list);
    }
  }

  private Reef reef(String user, SporeSigning signing) {
    Reef.Builder builder = Reef.builder().uri(broker.amqpUri(user)).namespace(namespace)
        .heartbeat(Duration.ofSeconds(1)).drainTimeout(Duration.ofSeconds(2));
    if (signing != null) {
      builder.signing(signing);
    }
    Reef reef = builder.build();
    reefs.add(reef);
    return reef;
  }

  private static Set<String> ids(MeterRegistry registry) {
    return registry.getMeters().stream().map(Meter::getId)
        .map(id -> id.getName() + id.getTags().stream().map(tag -> tag.getKey() + "=" + tag.getValue())
            .collect(Collectors.joining(",", "{", "}")))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static long count(Reef reef, String meter) {
    return (long) reef.meterRegistry().find(meter).counters().stream().mapToDouble(Counter::count).sum();
  }

  private static String randomAgent() {
    return "agent-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
  }

  private static AMQP.BasicProperties forgedReply(String from, String requestId) {
    return new AMQP.BasicProperties.Builder()
        .headers(Map.of("spore_id", UUID.randomUUID().toString(), "spore_type", "response", "from_agent", from,
            "to_agent", "client", "created_at", Instant.now().toString(), "reply_to", requestId, "version", "1.0"))
        .correlationId(requestId).build();
  }

  private Connection raw(String user) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(broker.amqpUri(user));
    factory.setAutomaticRecoveryEnabled(false);
    return factory.newConnection("reef-forger-" + user);
  }
}
