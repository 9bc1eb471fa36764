package dev.reef.amqp;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.reef.DeadLetters;
import dev.reef.SporeObserver;
import dev.reef.ReefClosedException;
import dev.reef.ReefException;
import dev.reef.UnknownDestinationException;
import dev.reef.spi.ConsumerHandle;
import dev.reef.spi.ConsumerSpec;
import dev.reef.spi.DeliveryHandler;
import dev.reef.spi.Directory;
import dev.reef.spi.Observation;
import dev.reef.spi.Outbound;
import dev.reef.spi.ReefBackend;
import dev.reef.spi.ReplyEndpoint;
import dev.reef.spi.ReplyHandler;
import dev.reef.spore.InvalidSporeException;
import dev.reef.spore.Spore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RabbitMQ backend (SPEC §4, §5): spores as AMQP messages in an exchange per channel and a
 * durable queue per channel and agent name, shared by the agent's instances in every process.
 *
 * <pre>{@code
 * try (Reef reef = Reef.builder().uri("amqp://guest:guest@localhost:5672").build()) { ... }
 * // or, with every option:
 * AmqpBackend backend = AmqpBackend.builder()
 *     .uri("amqps://agent:secret@rabbit-1:5671/prod")
 *     .addresses("rabbit-1:5671", "rabbit-2:5671", "rabbit-3:5671")
 *     .caCertificates(Path.of("/etc/reef/ca.pem"))
 *     .queueType(QueueType.QUORUM)
 *     .namespace("reef")
 *     .build();
 * try (Reef reef = Reef.builder().backend(backend).build()) { ... }
 * }</pre>
 *
 * <p>One backend holds two connections, one to publish and one to consume, so that the broker's flow
 * control on publishers never holds up acknowledgements. Both recover automatically (connection,
 * channels, topology, consumers); publishes the broker had not confirmed are sent again after a
 * recovery, and receivers suppress the duplicates.
 *
 * <p>URI query parameters, all optional: {@code addresses} (comma-separated {@code host:port} of
 * cluster nodes), {@code queue_type} ({@code classic} or {@code quorum}), {@code max_queue_length},
 * {@code max_body_bytes}, {@code confirm_timeout_ms}, {@code max_unconfirmed}, {@code recovery_interval_ms}, {@code
 * presence_heartbeat_ms}, {@code connection_name}; for {@code amqps}: {@code cacertfile} (PEM),
 * {@code keystore} (PKCS#12 client certificate), {@code keystore_password}, {@code verify_hostname};
 * and the client's own {@code heartbeat}, {@code connection_timeout}, {@code channel_max}.
 *
 * <p>Every spore published carries the connection's user as the AMQP {@code user_id} property, which
 * RabbitMQ checks against the login; receivers see it as {@link dev.reef.HandlerContext#verifiedUserId()}.
 * For {@code amqps}, the broker's certificate is checked against the CA file (or the JVM's trust store)
 * and, unless {@code verify_hostname=false}, against the host name; a refused handshake fails {@link
 * #builder() build()} with the setting to look at.
 *
 * <p>Thread-safe. Passwords never appear in logs or exception messages.
 */
public final class AmqpBackend implements ReefBackend {
  private static final Logger LOG = LoggerFactory.getLogger(AmqpBackend.class);
  /** Above the broker's default {@code max_message_size}: a big message is dead-lettered, not fatal. */
  private static final int MAX_INBOUND_BODY_BYTES = 128 * 1024 * 1024 + 1024 * 1024;

  private final String maskedUri;
  private final BrokerNames names;
  private final SporeCodec codec;
  private final Connection publishing;
  private final Connection consuming;
  private final ExecutorService completions;
  private final ScheduledExecutorService timer;
  private final ConfirmingPublisher publisher;
  private final Topology topology;
  private final Retries retries;
  private final AmqpDeadLetters deadLetters;
  private final Presence presence;
  private final Set<AgentConsumer> consumers = ConcurrentHashMap.newKeySet();
  private final Set<ReplyQueue> replyQueues = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  private AmqpBackend(Builder builder, ConnectionFactory factory, List<Address> addresses) {
    this.maskedUri = Uris.mask(builder.uri);
    this.names = new BrokerNames(builder.namespace);
    // Every spore carries this connection's login as user_id, which RabbitMQ checks, so receivers
    // learn who published it from the broker rather than from the sender (HandlerContext#verifiedUserId).
    this.codec = new SporeCodec(builder.maxBodyBytes, factory.getUsername());
    this.completions = Executors.newSingleThreadExecutor(daemon("reef-amqp-completions-" + builder.namespace));
    this.timer = Executors.newSingleThreadScheduledExecutor(daemon("reef-amqp-timer-" + builder.namespace));
    Connection publishConnection = null;
    Connection consumeConnection = null;
    try {
      publishConnection = factory.newConnection(addresses, builder.connectionName + "-publish");
      consumeConnection = factory.newConnection(addresses, builder.connectionName + "-consume");
    } catch (IOException | TimeoutException e) {
      closeQuietly(publishConnection);
      completions.shutdownNow();
      timer.shutdownNow();
      throw new ReefException("could not connect to the broker at " + maskedUri + " " + describe(addresses) + ": "
          + whyNotConnected(builder, addresses, e), e);
    }
    this.publishing = publishConnection;
    this.consuming = consumeConnection;
    this.topology = new Topology(publishing, names, builder.queueType, builder.maxQueueLength);
    this.publisher = new ConfirmingPublisher(publishing, completions, builder.confirmTimeout, builder.maxUnconfirmed,
        topology::forget);
    this.retries = new Retries(topology, publisher, codec);
    this.deadLetters = new AmqpDeadLetters(publishing, topology, publisher, codec, this::publish);
    this.presence = new Presence(hostName(), topology, publisher, builder.presenceHeartbeat);
    timer.scheduleWithFixedDelay(publisher::expireOverdue, 1, 1, TimeUnit.SECONDS);
    watch(publishing, "publishing");
    watch(consuming, "consuming");
    try {
      presence.start(consuming, timer);
    } catch (IOException | RuntimeException e) {
      close();
      throw new ReefException("could not start presence on " + maskedUri + ": " + Topology.brokerReason(e), e);
    }
    LOG.info("connected to {} {} in namespace '{}' ({} queues)", maskedUri, describe(addresses), names.namespace(),
        builder.queueType);
  }

  /** A builder; with nothing set it connects to {@code amqp://localhost} in namespace {@code reef}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The namespace prefixing every broker object of this backend. */
  public String namespace() {
    return names.namespace();
  }

  /**
   * Every agent instance on the namespace as far as presence announcements tell: this process's own
   * and other processes', online or gone silent.
   */
  public List<AgentPresence> presence() {
    ensureOpen();
    return presence.snapshot();
  }

  @Override
  public CompletableFuture<Void> publish(Outbound message) {
    Objects.requireNonNull(message, "message");
    ensureOpen();
    Spore spore = message.spore();
    String exchange;
    try {
      exchange = topology.channelExchange(message.channel());
    } catch (ReefException e) {
      return CompletableFuture.failedFuture(e);
    }
    SporeCodec.Encoded encoded = codec.encode(spore, message.replyAddress(), message.attempt(), Instant.now());
    requireSize(encoded);
    String target = message.targetAgent();
    String routingKey = target != null
        ? BrokerNames.directedKey(target, spore.type())
        : BrokerNames.broadcastKey(spore.type());
    Supplier<RuntimeException> ifReturned = target == null
        ? null // a broadcast nobody listens to is not an error
        : () -> new UnknownDestinationException(message.channel(), target);
    String description = spore.type().wireValue() + " spore " + spore.id()
        + (target != null ? " to agent '" + target + "'" : " to every agent") + " on channel '" + message.channel() + "'";
    return publisher.publish(new OutgoingMessage(exchange, routingKey, encoded.properties(), encoded.body(), ifReturned,
        description));
  }

  @Override
  public ConsumerHandle consume(ConsumerSpec spec, DeliveryHandler handler) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(handler, "handler");
    ensureOpen();
    String queue = topology.agentQueue(spec.channel(), spec.agentName());
    AgentConsumer consumer;
    try {
      consumer = AgentConsumer.start(this, consuming, spec, queue, names.expiredQueue(spec.channel(), spec.agentName()),
          handler);
    } catch (IOException | RuntimeException e) {
      throw new ReefException("could not consume queue " + queue + " for agent '" + spec.agentName() + "': "
          + Topology.brokerReason(e), e);
    }
    consumers.add(consumer);
    try {
      // Wait for the broker to have the announcement, so that other processes learn of it promptly.
      presence.joined(spec).get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
      LOG.warn("could not announce agent '{}' on '{}': {}", spec.agentName(), spec.channel(), e.toString());
    }
    return consumer;
  }

  void consumerClosed(AgentConsumer consumer) {
    consumers.remove(consumer);
    if (!closed.get()) {
      presence.left(consumer.spec());
    }
  }

  @Override
  public ReplyEndpoint openReplyEndpoint(ReplyHandler handler) {
    Objects.requireNonNull(handler, "handler");
    ensureOpen();
    try {
      ReplyQueue queue = ReplyQueue.open(consuming, names, this, handler);
      replyQueues.add(queue);
      return queue;
    } catch (IOException | RuntimeException e) {
      throw new ReefException("could not open a reply queue: " + Topology.brokerReason(e), e);
    }
  }

  @Override
  public CompletableFuture<Void> sendReply(String replyAddress, Spore reply) {
    Objects.requireNonNull(reply, "reply");
    if (replyAddress == null || replyAddress.isEmpty() || replyAddress.length() > BrokerNames.MAX_NAME_BYTES) {
      throw new IllegalArgumentException("invalid reply address '" + replyAddress + "': expected a queue name");
    }
    ensureOpen();
    SporeCodec.Encoded encoded = codec.encode(reply, null, 1, Instant.now());
    requireSize(encoded);
    return publisher.publish(new OutgoingMessage("", replyAddress, encoded.properties(), encoded.body(),
        () -> new UnknownDestinationException("reply address '" + replyAddress
            + "' no longer exists: the requester closed, or lost its connection"),
        "reply " + reply.id() + " to request " + reply.replyTo()));
  }

  /**
   * {@inheritDoc}
   *
   * <p>On AMQP the copy comes through a private queue bound for broadcasts and for each agent that
   * presence knows on the channel, never with {@code #}, so that sends to unknown agents still fail
   * while someone watches; see {@link ChannelObserver} for what an observer therefore misses.
   */
  @Override
  public Observation observe(String channel, SporeObserver observer) {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(observer, "observer must not be null");
    ensureOpen();
    String exchange = topology.channelExchange(channel);
    try {
      return ChannelObserver.start(consuming, names, exchange, channel, codec, observer, presence::snapshot);
    } catch (IOException | RuntimeException e) {
      throw new ReefException("could not observe channel '" + channel + "': " + Topology.brokerReason(e), e);
    }
  }

  @Override
  public boolean isConnected() {
    return !closed.get() && publishing.isOpen() && consuming.isOpen();
  }

  @Override
  public DeadLetters deadLetters() {
    return deadLetters;
  }

  AmqpDeadLetters deadLetterStore() {
    return deadLetters;
  }

  @Override
  public Directory directory() {
    return presence;
  }

  @Override
  public long queuedForLocalConsumers() {
    Set<String> queues = new LinkedHashSet<>();
    for (AgentConsumer consumer : consumers) {
      queues.add(consumer.queue());
      queues.add(consumer.expiredQueue());
    }
    long total = 0;
    for (String queue : queues) {
      total += topology.messageCount(queue);
    }
    return total + retries.pending();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (AgentConsumer consumer : List.copyOf(consumers)) {
      consumer.close();
    }
    presence.close();
    for (ReplyQueue queue : List.copyOf(replyQueues)) {
      queue.close();
    }
    publisher.close(Duration.ofSeconds(2));
    topology.close();
    closeQuietly(consuming);
    closeQuietly(publishing);
    timer.shutdownNow();
    completions.shutdown();
    LOG.info("disconnected from {} (namespace '{}')", maskedUri, names.namespace());
  }

  // --- for the package: consumers, tests and tools ---

  SporeCodec codec() {
    return codec;
  }

  Retries retries() {
    return retries;
  }

  ScheduledExecutorService timer() {
    return timer;
  }

  /** The queues and exchanges this backend declared; a test fixture deletes them afterwards. */
  Set<String> declaredQueues() {
    return topology.queuesUsed();
  }

  Set<String> declaredExchanges() {
    return topology.exchangesUsed();
  }

  /** Deletes every queue and exchange this backend declared, messages included (tests and tools). */
  void deleteTopology() {
    topology.deleteAll();
  }

  private void requireSize(SporeCodec.Encoded encoded) {
    if (encoded.body().length > codec.maxBodyBytes()) {
      throw new InvalidSporeException("knowledge", "encoded size " + encoded.body().length
          + " bytes exceeds the AMQP backend's limit of " + codec.maxBodyBytes() + " bytes");
    }
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new ReefClosedException("the AMQP backend for " + maskedUri + " is closed");
    }
  }

  /** Logs what happens to a connection: losses, recoveries, and the broker's flow control. */
  private void watch(Connection connection, String role) {
    connection.addShutdownListener(cause -> {
      if (!cause.isInitiatedByApplication()) {
        LOG.warn("lost the {} connection to {}: {}; recovering", role, maskedUri, Topology.brokerReason(cause));
      }
    });
    if (connection instanceof com.rabbitmq.client.Recoverable recoverable) {
      recoverable.addRecoveryListener(new com.rabbitmq.client.RecoveryListener() {
        @Override
        public void handleRecovery(com.rabbitmq.client.Recoverable recovered) {
          LOG.info("recovered the {} connection to {}", role, maskedUri);
        }

        @Override
        public void handleRecoveryStarted(com.rabbitmq.client.Recoverable recovering) {}
      });
    }
    connection.addBlockedListener(
        reason -> LOG.warn("the broker blocks the {} connection ({}): sends wait until it has resources again", role,
            reason),
        () -> LOG.info("the broker unblocked the {} connection", role));
  }

  /** The reason of a failed connection, with the setting to look at when there is one. */
  private static String whyNotConnected(Builder builder, List<Address> addresses, Exception error) {
    if (builder.uri.getScheme().equalsIgnoreCase("amqps")) {
      String trustedBy = builder.sslContext != null ? "the SSLContext given to the builder"
          : builder.caCertificates != null ? "the CA file " + builder.caCertificates
          : "the JVM's trust store (no cacertfile given)";
      String tls = TlsContexts.describeFailure(error, trustedBy, builder.sslContext != null || builder.keyStore != null,
          addresses.stream().map(Address::getHost).distinct().toList());
      if (tls != null) {
        return tls;
      }
    }
    String message = error.getMessage() != null ? error.getMessage() : error.toString();
    if (error instanceof com.rabbitmq.client.AuthenticationFailureException
        || error instanceof com.rabbitmq.client.PossibleAuthenticationFailureException) {
      return message + " (check the user name and password in the URI)";
    }
    return message;
  }

  private static String describe(List<Address> addresses) {
    return addresses.toString();
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  private static void closeQuietly(Connection connection) {
    if (connection != null && connection.isOpen()) {
      try {
        connection.close(5_000);
      } catch (IOException | RuntimeException e) {
        LOG.debug("closing a connection: {}", e.toString());
      }
    }
  }

  @Override
  public String toString() {
    return "AmqpBackend[" + maskedUri + ", namespace " + names.namespace() + "]";
  }

  /**
   * Builds an {@link AmqpBackend}. Settings given as builder calls win over the same settings in the
   * URI's query.
   */
  public static final class Builder {
    private static final Set<String> CLIENT_PARAMETERS = Set.of("heartbeat", "connection_timeout", "channel_max");
    private static final Set<String> REEF_PARAMETERS = Set.of("addresses", "queue_type", "max_queue_length",
        "max_body_bytes", "confirm_timeout_ms", "max_unconfirmed", "recovery_interval_ms", "presence_heartbeat_ms",
        "connection_name",
        "cacertfile", "keystore", "keystore_password", "verify_hostname");

    private URI uri = URI.create("amqp://localhost");
    private String namespace = "reef";
    private final List<Address> addresses = new ArrayList<>();
    private QueueType queueType = QueueType.CLASSIC;
    private int maxQueueLength = 1_000_000;
    private int maxBodyBytes = 10 * 1024 * 1024;
    private Duration confirmTimeout = Duration.ofSeconds(30);
    private int maxUnconfirmed = 10_000;
    private Duration recoveryInterval = Duration.ofSeconds(2);
    private Duration presenceHeartbeat = Duration.ofSeconds(5);
    private String connectionName = "reef";
    private SSLContext sslContext;
    private Path caCertificates;
    private Path keyStore;
    private char[] keyStorePassword;
    private boolean verifyHostname = true;
    private final Map<String, String> uriSettings = new java.util.HashMap<>();
    private final Set<String> explicit = new java.util.HashSet<>();

    private Builder() {}

    /** The broker, e.g. {@code amqp://user:password@host:5672/vhost?queue_type=quorum} (see the class comment). */
    public Builder uri(String uri) {
      Objects.requireNonNull(uri, "uri");
      URI parsed;
      try {
        parsed = URI.create(uri);
      } catch (IllegalArgumentException e) {
        // The message of URI.create quotes the URI, password included: do not repeat it.
        throw new IllegalArgumentException("invalid AMQP URI: it must look like amqp://user:password@host:5672/vhost");
      }
      return uri(parsed);
    }

    /** The broker URI; see {@link #uri(String)}. */
    public Builder uri(URI uri) {
      Objects.requireNonNull(uri, "uri");
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("amqp") && !scheme.equals("amqps")) {
        throw new IllegalArgumentException("an AMQP URI starts with amqp:// or amqps://, got " + Uris.mask(uri));
      }
      if (uri.getRawAuthority() != null && uri.getHost() == null) {
        // Java reads an authority whose host or port it cannot parse as no host at all; the client would
        // then quietly connect to localhost as guest.
        throw new IllegalArgumentException("invalid AMQP URI " + Uris.mask(uri) + ": its host or port is malformed;"
            + " it must look like amqp://user:password@host:5672/vhost");
      }
      Map<String, String> query = Uris.query(uri);
      for (String key : query.keySet()) {
        if (!REEF_PARAMETERS.contains(key) && !CLIENT_PARAMETERS.contains(key)) {
          throw new IllegalArgumentException("unknown query parameter '" + key + "' in AMQP URI " + Uris.mask(uri)
              + "; known: " + new java.util.TreeSet<>(union(REEF_PARAMETERS, CLIENT_PARAMETERS)));
        }
      }
      this.uri = uri;
      uriSettings.clear();
      uriSettings.putAll(query);
      return this;
    }

    /** The namespace prefixing every broker object (default {@code reef}; Praval's is {@code praval}). */
    public Builder namespace(String namespace) {
      this.namespace = dev.reef.spore.Names.require("namespace", namespace);
      return this;
    }

    /**
     * The cluster's nodes as {@code host} or {@code host:port}; the client connects to one of them and
     * fails over to the others. Overrides the URI's host and port (its user, password and virtual host
     * still apply).
     */
    public Builder addresses(String... hostPorts) {
      Objects.requireNonNull(hostPorts, "addresses");
      addresses.clear();
      for (String hostPort : hostPorts) {
        addresses.addAll(parseAddresses(hostPort));
      }
      explicit.add("addresses");
      return this;
    }

    /** Classic queues with priorities (default), or replicated quorum queues. */
    public Builder queueType(QueueType queueType) {
      this.queueType = Objects.requireNonNull(queueType, "queueType");
      explicit.add("queue_type");
      return this;
    }

    /**
     * The most spores an agent queue holds; a send to a full queue fails with {@link
     * dev.reef.QueueFullException} (default 1,000,000; 0 for no limit). All processes of a namespace
     * must use the same value, as the broker keeps what the queue was declared with.
     */
    public Builder maxQueueLength(int maxQueueLength) {
      if (maxQueueLength < 0) {
        throw new IllegalArgumentException("maxQueueLength must not be negative, got " + maxQueueLength);
      }
      this.maxQueueLength = maxQueueLength;
      explicit.add("max_queue_length");
      return this;
    }

    /** The largest message body sent or accepted (default 10 MiB); larger incoming ones are dead-lettered. */
    public Builder maxBodyBytes(int maxBodyBytes) {
      if (maxBodyBytes < 4 || maxBodyBytes > MAX_INBOUND_BODY_BYTES) {
        throw new IllegalArgumentException("maxBodyBytes must be between 4 and " + MAX_INBOUND_BODY_BYTES + ", got "
            + maxBodyBytes);
      }
      this.maxBodyBytes = maxBodyBytes;
      explicit.add("max_body_bytes");
      return this;
    }

    /** How long a send waits for the broker's confirm before its future fails (default 30 s). */
    public Builder confirmTimeout(Duration timeout) {
      this.confirmTimeout = positive("confirmTimeout", timeout);
      explicit.add("confirm_timeout_ms");
      return this;
    }

    /**
     * The most sends that may wait for the broker's confirm at once (default 10,000); a further send
     * waits for room up to the confirm timeout, then fails. Bounds a fast publisher's memory.
     */
    public Builder maxUnconfirmed(int maxUnconfirmed) {
      if (maxUnconfirmed < 1) {
        throw new IllegalArgumentException("maxUnconfirmed must be at least 1, got " + maxUnconfirmed);
      }
      this.maxUnconfirmed = maxUnconfirmed;
      explicit.add("max_unconfirmed");
      return this;
    }

    /** How long the client waits between attempts to reconnect (default 2 s). */
    public Builder recoveryInterval(Duration interval) {
      this.recoveryInterval = positive("recoveryInterval", interval);
      explicit.add("recovery_interval_ms");
      return this;
    }

    /** How often this process announces its agents (default 5 s); three missed beats mean silent. */
    public Builder presenceHeartbeat(Duration interval) {
      this.presenceHeartbeat = positive("presenceHeartbeat", interval);
      if (presenceHeartbeat.toMillis() < 100) {
        throw new IllegalArgumentException("presenceHeartbeat must be at least 100 ms, got " + interval);
      }
      explicit.add("presence_heartbeat_ms");
      return this;
    }

    /** The name the broker shows for this process's connections (default {@code reef}). */
    public Builder connectionName(String name) {
      Objects.requireNonNull(name, "connectionName");
      if (name.isBlank()) {
        throw new IllegalArgumentException("connectionName must not be blank");
      }
      this.connectionName = name;
      explicit.add("connection_name");
      return this;
    }

    /** For {@code amqps}: the complete TLS context to use (overrides the CA and key store options). */
    public Builder sslContext(SSLContext context) {
      this.sslContext = Objects.requireNonNull(context, "sslContext");
      return this;
    }

    /** For {@code amqps}: a PEM file of the CA certificate(s) to check the broker's certificate with. */
    public Builder caCertificates(Path pemFile) {
      this.caCertificates = Objects.requireNonNull(pemFile, "caCertificates");
      explicit.add("cacertfile");
      return this;
    }

    /** For {@code amqps} with client certificates: a PKCS#12 file with the certificate and its key. */
    public Builder keyStore(Path pkcs12File, char[] password) {
      this.keyStore = Objects.requireNonNull(pkcs12File, "keyStore");
      this.keyStorePassword = password == null ? new char[0] : password.clone();
      explicit.add("keystore");
      explicit.add("keystore_password");
      return this;
    }

    /** For {@code amqps}: check that the broker's certificate names its host (default true). */
    public Builder verifyHostname(boolean verify) {
      this.verifyHostname = verify;
      explicit.add("verify_hostname");
      return this;
    }

    /**
     * Connects.
     *
     * @throws IllegalArgumentException when a setting is invalid
     * @throws ReefException when the broker cannot be reached or refuses the connection
     */
    public AmqpBackend build() {
      applyUriSettings();
      boolean tls = uri.getScheme().equalsIgnoreCase("amqps");
      if (!tls && (sslContext != null || caCertificates != null || keyStore != null)) {
        throw new IllegalArgumentException("TLS options need an amqps:// URI, got " + Uris.mask(uri));
      }
      ConnectionFactory factory = new ConnectionFactory();
      try {
        if (tls) {
          // Set before the URI: for amqps, setUri would otherwise install a trust-everything context.
          SSLContext context = sslContext != null ? sslContext
              : caCertificates != null || keyStore != null ? TlsContexts.create(caCertificates, keyStore, keyStorePassword)
              : SSLContext.getDefault();
          factory.useSslProtocol(context);
          if (verifyHostname) {
            factory.enableHostnameVerification();
          }
        }
        factory.setUri(Uris.withoutQuery(uri));
      } catch (java.net.URISyntaxException | GeneralSecurityException | IllegalArgumentException e) {
        IllegalArgumentException invalid = new IllegalArgumentException("invalid AMQP URI " + Uris.mask(uri) + ": "
            + Uris.scrub(String.valueOf(e.getMessage()), uri));
        if (!Uris.quotesSecret(e, uri)) { // a cause that quotes the password would print it with the stack trace
          invalid.initCause(e);
        }
        throw invalid;
      }
      applyClientSettings(factory);
      factory.setAutomaticRecoveryEnabled(true);
      factory.setTopologyRecoveryEnabled(true);
      factory.setNetworkRecoveryInterval(recoveryInterval.toMillis());
      factory.setMaxInboundMessageBodySize(MAX_INBOUND_BODY_BYTES);
      List<Address> targets = addresses.isEmpty()
          ? List.of(new Address(factory.getHost(), factory.getPort()))
          : List.copyOf(addresses);
      return new AmqpBackend(this, factory, targets);
    }

    private void applyUriSettings() {
      for (Map.Entry<String, String> setting : uriSettings.entrySet()) {
        String key = setting.getKey();
        String value = setting.getValue();
        if (explicit.contains(key) || CLIENT_PARAMETERS.contains(key)) {
          continue;
        }
        try {
          switch (key) {
            case "addresses" -> {
              addresses.clear();
              addresses.addAll(parseAddresses(value));
            }
            case "queue_type" -> queueType = QueueType.parse(value);
            case "max_queue_length" -> maxQueueLength(Integer.parseInt(value));
            case "max_body_bytes" -> maxBodyBytes(Integer.parseInt(value));
            case "confirm_timeout_ms" -> confirmTimeout(Duration.ofMillis(Long.parseLong(value)));
            case "max_unconfirmed" -> maxUnconfirmed(Integer.parseInt(value));
            case "recovery_interval_ms" -> recoveryInterval(Duration.ofMillis(Long.parseLong(value)));
            case "presence_heartbeat_ms" -> presenceHeartbeat(Duration.ofMillis(Long.parseLong(value)));
            case "connection_name" -> connectionName(value);
            case "cacertfile" -> caCertificates = Path.of(value);
            case "keystore" -> keyStore = Path.of(value);
            case "keystore_password" -> keyStorePassword = value.toCharArray();
            case "verify_hostname" -> verifyHostname = parseBoolean(key, value);
            default -> throw new IllegalStateException("unhandled parameter " + key);
          }
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("query parameter '" + key + "' of the AMQP URI must be a number, got '"
              + value + "'");
        }
      }
    }

    private void applyClientSettings(ConnectionFactory factory) {
      for (String key : CLIENT_PARAMETERS) {
        String value = uriSettings.get(key);
        if (value == null) {
          continue;
        }
        try {
          int number = Integer.parseInt(value);
          switch (key) {
            case "heartbeat" -> factory.setRequestedHeartbeat(number);
            case "connection_timeout" -> factory.setConnectionTimeout(number);
            default -> factory.setRequestedChannelMax(number);
          }
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("query parameter '" + key + "' of the AMQP URI must be an integer, got '"
              + value + "'");
        }
      }
    }

    private static List<Address> parseAddresses(String text) {
      if (text == null || text.isBlank()) {
        throw new IllegalArgumentException("broker addresses must not be empty");
      }
      try {
        return Arrays.asList(Address.parseAddresses(text.trim()));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("invalid broker addresses '" + text + "': expected host[:port],...", e);
      }
    }

    private static boolean parseBoolean(String key, String value) {
      if (value.equalsIgnoreCase("true")) {
        return true;
      }
      if (value.equalsIgnoreCase("false")) {
        return false;
      }
      throw new IllegalArgumentException("query parameter '" + key + "' must be true or false, got '" + value + "'");
    }

    private static Duration positive(String what, Duration duration) {
      Objects.requireNonNull(duration, what);
      if (duration.isZero() || duration.isNegative()) {
        throw new IllegalArgumentException(what + " must be positive, got " + duration);
      }
      return duration;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
      Set<String> all = new LinkedHashSet<>(a);
      all.addAll(b);
      return all;
    }
  }
}
