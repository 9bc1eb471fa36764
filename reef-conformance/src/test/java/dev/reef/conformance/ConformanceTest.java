package dev.reef.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.ReefStats;
import dev.reef.spi.ReefBackend;
import dev.reef.spore.Spore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The base of every conformance class: the class runs once per {@link TestedBackend}, each run with
 * its own backend fixture and fresh namespace; each test gets its own channel, and every Reef, SPI
 * connection and gate it opened is closed after it.
 *
 * <p>Tests use only the public API (or, in {@link BackendSpiConformance}, the backend SPI) and never
 * assume that delivery is synchronous: they wait with {@link #eventually()} for what must happen, and
 * show that something does not happen with a positive marker: a spore sent after it, through the
 * same queue, whose arrival proves that anything before it would have arrived too. Only where no
 * marker can exist (a handler that must not start while others block) do they watch for {@link
 * #QUIET_PERIOD}.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestedBackend.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
abstract class ConformanceTest {
  /** The longest wait for something that must happen; reached only when a test fails. */
  protected static final Duration PATIENCE = Duration.ofSeconds(5);
  /** How long a test watches for something that must not happen, where no marker can show it. */
  protected static final Duration QUIET_PERIOD = Duration.ofMillis(300);

  /** The backend of this run of the class. */
  @Parameter
  TestedBackend backend;

  private final AtomicInteger channelCounter = new AtomicInteger();
  private final List<AutoCloseable> opened = new CopyOnWriteArrayList<>();
  private final List<Gate> gates = new CopyOnWriteArrayList<>();
  private BackendFixture fixture;
  private String channelName;

  @BeforeParameterizedClassInvocation
  void openBackend() {
    fixture = backend.open("conf-" + UUID.randomUUID().toString().substring(0, 8));
  }

  @AfterParameterizedClassInvocation
  void closeBackend() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @BeforeEach
  void nameChannel(TestInfo test) {
    String method = test.getTestMethod().map(m -> m.getName()).orElse("test").replaceAll("[^A-Za-z0-9_-]", "_");
    channelName = (method.length() > 100 ? method.substring(0, 100) : method) + "-" + channelCounter.incrementAndGet();
  }

  @AfterEach
  void closeWhatTheTestOpened() {
    gates.forEach(Gate::open);
    gates.clear();
    RuntimeException failure = null;
    for (AutoCloseable each : opened) {
      try {
        if (each instanceof Reef reef) {
          reef.close(BackendFixture.DRAIN_TIMEOUT);
        } else {
          each.close();
        }
      } catch (Exception e) { // close the others anyway, then report
        RuntimeException unchecked = e instanceof RuntimeException r ? r : new IllegalStateException(e);
        if (failure == null) {
          failure = unchecked;
        } else {
          failure.addSuppressed(unchecked);
        }
      }
    }
    opened.clear();
    if (failure != null) {
      throw failure;
    }
  }

  /** A new Reef on the backend under test: another connection, as another JVM would open. */
  protected final Reef connect() {
    return connect(builder -> builder);
  }

  /** A new Reef with {@code settings} applied to its builder (heartbeat, authorizer, object mapper...). */
  protected final Reef connect(UnaryOperator<Reef.Builder> settings) {
    Reef reef = fixture.connect(settings);
    opened.add(reef);
    return reef;
  }

  /** A new bare connection to the backend under test, through the SPI: no engine above it. */
  protected final ReefBackend backend() {
    ReefBackend connection = fixture.backend();
    opened.add(connection);
    return connection;
  }

  /** The name of this test's own channel. */
  protected final String channelName() {
    return channelName;
  }

  /** This test's channel on {@code reef}. */
  protected final Channel channel(Reef reef) {
    return reef.channel(channelName);
  }

  /** A gate opened after the test at the latest, so no handler stays blocked. */
  final Gate newGate() {
    Gate gate = new Gate();
    gates.add(gate);
    return gate;
  }

  /** The sum of one counter over every Reef this test connected. */
  protected final long total(ToLongFunction<ReefStats> counter) {
    return opened.stream().filter(Reef.class::isInstance)
        .mapToLong(reef -> counter.applyAsLong(((Reef) reef).stats())).sum();
  }

  /** Waits, up to {@link #PATIENCE}, for something that must happen. */
  protected static ConditionFactory eventually() {
    return Awaitility.await()
        .atMost(PATIENCE)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(10))
        .dontCatchUncaughtExceptions();
  }

  /**
   * Checks that {@code assertion} keeps holding for {@link #QUIET_PERIOD}: only for what no marker can
   * show. A loaded machine can only make it pass wrongly, never fail wrongly.
   */
  protected static void holdsFor(ThrowingRunnable assertion) {
    Awaitility.await()
        .during(QUIET_PERIOD)
        .atMost(QUIET_PERIOD.multipliedBy(3))
        .pollInterval(Duration.ofMillis(20))
        .dontCatchUncaughtExceptions()
        .untilAsserted(assertion);
  }

  /** Knowledge {@code {"n": n}}. */
  protected static Map<String, Object> n(int n) {
    return Map.of("n", n);
  }

  /** The {@code n} of a spore's knowledge. */
  protected static int n(Spore spore) {
    assertThat(spore.knowledge()).as("knowledge of spore %s", spore.id()).isNotNull();
    assertThat(spore.knowledge().has("n")).as("knowledge %s has n", spore.knowledge()).isTrue();
    return spore.knowledge().get("n").asInt();
  }

  /** The integers {@code 0 .. count-1}. */
  protected static List<Integer> upTo(int count) {
    List<Integer> numbers = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      numbers.add(i);
    }
    return numbers;
  }

  /** {@code numbers}, then {@code more}: what a handler saw when markers followed them. */
  protected static List<Integer> plus(List<Integer> numbers, int... more) {
    List<Integer> all = new ArrayList<>(numbers);
    for (int each : more) {
      all.add(each);
    }
    return all;
  }

  /** The value of {@code future}, waiting at most {@link #PATIENCE}; fails the test if it failed. */
  protected static <T> T join(CompletableFuture<T> future) {
    try {
      return future.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("expected the future to complete normally, but it failed", e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("the future did not complete within " + PATIENCE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Waits for every future, failing the test if any failed. */
  protected static void joinAll(List<? extends CompletableFuture<?>> futures) {
    join(CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)));
  }

  /** Why {@code future} failed, waiting at most {@code within}; fails the test if it completed normally. */
  protected static Throwable failureOf(CompletableFuture<?> future, Duration within) {
    try {
      Object value = future.get(within.toMillis(), TimeUnit.MILLISECONDS);
      return fail("expected the future to fail, but it completed with " + value);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      return fail("expected the future to fail within " + within.toMillis() + " ms, but it was still pending");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Why {@code future} failed, waiting at most {@link #PATIENCE}. */
  protected static Throwable failureOf(CompletableFuture<?> future) {
    return failureOf(future, PATIENCE);
  }
}
