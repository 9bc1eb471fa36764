package dev.reef.internal.engine;

import dev.reef.Channel;
import dev.reef.HandlerTimeoutException;
import dev.reef.SporeHandler;
import dev.reef.UnprocessableSporeException;
import dev.reef.internal.metrics.ReefMetrics;
import dev.reef.internal.trace.SporeObservations;
import io.micrometer.observation.Observation;
import dev.reef.spi.Delivery;
import dev.reef.spi.DeliveryHandler;
import dev.reef.spore.JsonMapping;
import dev.reef.spore.Names;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What happens to each delivery of one agent instance: on the backend's thread, verification and
 * the cheap filters (stopping, misrouted, own broadcast, expired, known duplicate); on the agent's
 * worker lane, the duplicate claim and the handler, whose end (or the end of the stage it returned,
 * or its timeout) goes to {@link Outcomes} (SPEC §3.8-3.12).
 */
final class DeliveryProcessor implements DeliveryHandler {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryProcessor.class);

  /** Who the instance is and what it runs. */
  record Agent(Channel channel, String agentName, String instanceId, SporeHandler handler, Duration handlerTimeout) {}

  /** Sends again the reply already sent to a request that came again (see {@link Outbox#answerAgain}). */
  @FunctionalInterface
  interface Answers {
    boolean answerAgain(String requestId, String replyAddress);
  }

  /** Makes the context of one delivery. */
  @FunctionalInterface
  interface ContextFactory {
    HandlerContextImpl create(Agent agent, Delivery delivery, Spore spore, Observation observation);
  }

  private final Agent agent;
  private final String channelName;
  private final WorkerLane lane;
  private final RunningHandlers running;
  private final DuplicateWindow duplicates;
  private final HeldDeliveries held;
  private final Outcomes outcomes;
  private final Signatures signatures;
  private final JsonMapping json;
  private final ContextFactory contexts;
  private final Answers answers;
  private final ReefMetrics metrics;
  private final ScheduledExecutorService timer;
  private final SporeObservations observations;
  private final ReefMetrics.PerType received;
  private final ReefMetrics.PerTypeTimer latency;
  private final BoundedLog warnings;
  private final UnstartedDeliveries unstarted;
  private volatile boolean accepting = true;

  DeliveryProcessor(Agent agent, WorkerLane lane, DuplicateWindow duplicates, HeldDeliveries held, Outcomes outcomes,
      Signatures signatures, JsonMapping json, ContextFactory contexts, Answers answers, ReefMetrics metrics,
      ScheduledExecutorService timer, SporeObservations observations, BoundedLog warnings) {
    this.agent = agent;
    this.channelName = agent.channel().name();
    this.lane = lane;
    this.running = RunningHandlers.of(lane.ordered());
    this.duplicates = duplicates;
    this.held = held;
    this.outcomes = outcomes;
    this.signatures = signatures;
    this.json = json;
    this.contexts = contexts;
    this.answers = answers;
    this.metrics = metrics;
    this.timer = timer;
    this.observations = observations;
    this.received = metrics.counters(ReefMetrics.RECEIVED, channelName, agent.agentName());
    this.latency = metrics.timers(ReefMetrics.HANDLER_LATENCY, channelName, agent.agentName());
    this.warnings = warnings;
    this.unstarted = new UnstartedDeliveries(outcomes);
  }

  /**
   * No handler starts from now on: deliveries not yet started go back to the queue, once {@link
   * #consumerCancelled()} says the consumer takes no more (see {@link UnstartedDeliveries}).
   */
  void stopAccepting() {
    accepting = false;
  }

  /** The instance's consumer is cancelled: the unstarted deliveries go back to the queue. */
  void consumerCancelled() {
    unstarted.consumerCancelled();
  }

  /**
   * Interrupts the handlers still on a thread: the instance stops past its drain timeout, and their
   * spores went back to the queue.
   */
  void interruptHandlers() {
    running.interruptAll();
  }

  /** Waits until no handler is on a thread, or until {@code deadlineNanos}; true when none is. */
  boolean awaitHandlersGone(long deadlineNanos) {
    return running.awaitNone(deadlineNanos);
  }

  /** False once the instance stops taking deliveries. */
  boolean accepting() {
    return accepting;
  }

  @Override
  public void onDelivery(Delivery arrived) {
    Spore spore = arrived.spore();
    outcomes.taken(spore);
    received.increment(spore.type());
    Delivery delivery = arrived;
    if (signatures.verifies()) {
      Signatures.Verdict verdict = signatures.check(spore, channelName, agent.agentName());
      if (!verdict.accepted()) {
        warnings.warn("agent '{}' on '{}' rejected spore {}: {}; dead-lettered", agent.agentName(), channelName,
            spore.id(), verdict.rejection());
        outcomes.rejected(arrived, verdict.rejection());
        return;
      }
      delivery = new Deliveries.Verified(arrived, verdict.spore());
      spore = verdict.spore();
    }
    if (spore.toAgent() != null && !Names.agentOf(spore.toAgent()).equals(agent.agentName())) {
      // Someone published straight into this agent's queue with another recipient: not this agent's to act on.
      metrics.rejected(channelName, agent.agentName(), "misrouted");
      warnings.warn("agent '{}' on '{}' got spore {} addressed to '{}'; dead-lettered", agent.agentName(),
          channelName, spore.id(), spore.toAgent());
      outcomes.rejected(arrived, "to_agent '" + spore.toAgent() + "' is not this queue's agent '"
          + agent.agentName() + "'");
      return;
    }
    if (spore.knowledge() != null && spore.knowledge().mapping() != json) {
      // Read records with this Reef's mapper, whatever the sender or decoder used (SPEC §3.13).
      spore = spore.toBuilder().knowledge(spore.knowledge().withMapping(json)).build();
      delivery = new Deliveries.Verified(delivery, spore);
    }
    Delivery taken = delivery;
    if (!accepting) {
      unstarted.giveBack(taken);
    } else if (spore.isBroadcast() && agent.agentName().equals(spore.fromAgent())) {
      outcomes.settle(taken, taken::ack); // a broadcast reaches every agent but its sender (SPEC §3.2)
    } else if (dropIfExpired(taken)) {
      return;
    } else if (taken.redelivered() && duplicates.contains(spore.id())) {
      // Only a redelivery is checked here, to ack it without a trip to the pool; any other duplicate
      // (a re-sent publish) is caught when the worker claims its id, which every delivery does.
      duplicate(taken);
    } else {
      String tooOften = outcomes.deliveredTooOften(taken);
      if (tooOften == null) {
        lane.execute(() -> process(taken));
      } else if (spore.type() == SporeType.REQUEST) {
        // The requester would otherwise wait for its timeout: it learns why at once.
        contexts.create(agent, taken, spore, null).replyWithError(new UnprocessableSporeException(tooOften));
      }
    }
  }

  @Override
  public void onUndecodable(String reason) {
    metrics.count(ReefMetrics.UNDECODABLE, channelName, agent.agentName(), "unknown");
    warnings.warn("agent '{}' on '{}': a message that is not a valid spore was dead-lettered: {}", agent.agentName(),
        channelName, reason);
  }

  /** Runs on the worker lane. */
  private void process(Delivery delivery) {
    Spore spore = delivery.spore();
    if (!accepting) {
      unstarted.giveBack(delivery);
      return;
    }
    if (dropIfExpired(delivery)) {
      return;
    }
    long ticket = duplicates.claim(spore.id());
    if (ticket == DuplicateWindow.DUPLICATE) {
      duplicate(delivery);
      return;
    }
    Run run = new Run(delivery, ticket);
    held.progressed(run.start);
    if (agent.handlerTimeout() != null) {
      run.deadline = timer.schedule(run::timedOut, agent.handlerTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }
    Object result;
    Observation.Scope scope = run.observation == null ? null : run.observation.openScope();
    running.entered(run);
    try {
      result = invoke(spore, run.context);
    } catch (Throwable error) {
      run.finished(null, error);
      return;
    } finally {
      if (scope != null) {
        scope.close();
      }
      run.leftThread();
    }
    if (result instanceof CompletionStage<?> stage) {
      // An asynchronous handler: the spore stays held, against the prefetch, until its stage completes.
      run.stage = stage;
      stage.whenComplete(run::finished);
    } else {
      run.finished(result, null);
    }
  }

  /**
   * A spore handled already (or being handled) is not run again. A request that comes again is
   * answered again, from the reply kept, when its handler has finished: its requester lost the reply
   * with its connection and asked once more (SPEC §3.3); while the handler runs, its reply is still
   * to come.
   */
  private void duplicate(Delivery delivery) {
    Spore spore = delivery.spore();
    metrics.count(ReefMetrics.DUPLICATES, channelName, agent.agentName(), spore);
    if (spore.type() == SporeType.REQUEST && answers.answerAgain(spore.id(), delivery.replyAddress())) {
      LOG.debug("agent '{}' on '{}' answered request {} again: it came again", agent.agentName(), channelName,
          spore.id());
    }
    outcomes.settle(delivery, delivery::ack);
  }

  /**
   * Runs the handler with its cause as the thread's current one, and the spore id, trace id and
   * agent in the logging MDC, so that the handler's own log lines can be followed along a chain.
   *
   * <p>The agent's entry stays: the threads of an agent's pool work for that agent on its channel
   * only (see {@code AgentStarter}), so it is set once per thread, not put and removed per spore.
   */
  private Object invoke(Spore spore, HandlerContextImpl context) throws Exception {
    MDC.put("spore_id", spore.id());
    MDC.put("trace_id", context.traceId());
    if (!agent.agentName().equals(MDC.get("agent"))) {
      MDC.put("agent", agent.agentName());
    }
    try {
      return context.cause().callWithin(() -> agent.handler().handle(spore, context));
    } finally {
      MDC.remove("trace_id");
      MDC.remove("spore_id");
    }
  }

  private boolean dropIfExpired(Delivery delivery) {
    Spore spore = delivery.spore();
    // Most spores never expire: no clock read for them.
    if (spore.expiresAt() == null || !spore.isExpiredAt(Instant.now())) {
      return false;
    }
    metrics.count(ReefMetrics.EXPIRED, channelName, agent.agentName(), spore);
    LOG.debug("agent '{}' dropped expired spore {} (expired at {})", agent.agentName(), spore.id(), spore.expiresAt());
    outcomes.settle(delivery, delivery::ack);
    return true;
  }

  /** An error no retry can cure and no handler may swallow: the JVM itself is in trouble. */
  private static boolean isFatal(Throwable error) {
    return error instanceof VirtualMachineError && !(error instanceof StackOverflowError);
  }

  /** One handler run: it ends once, by its own end or by its timeout, whichever comes first. */
  private final class Run implements RunningHandlers.Run {
    final Delivery delivery;
    final long ticket; // the duplicate window's, from the claim
    final HandlerContextImpl context;
    final long start = System.nanoTime();
    final AtomicBoolean ended = new AtomicBoolean();
    final Observation observation;
    volatile Thread thread = Thread.currentThread();
    volatile CompletionStage<?> stage;
    volatile ScheduledFuture<?> deadline;

    Run(Delivery delivery, long ticket) {
      this.delivery = delivery;
      this.ticket = ticket;
      this.observation = observations.isOff() ? null
          : observations.processing(channelName, agent.agentName(), delivery.spore());
      this.context = contexts.create(agent, delivery, delivery.spore(), observation);
    }

    void observed(Throwable error) {
      if (observation != null) {
        if (error != null) {
          observation.error(error);
        }
        observation.stop();
      }
    }

    void finished(Object result, Throwable error) {
      if (!ended.compareAndSet(false, true)) {
        return; // timed out already: this late outcome settles nothing
      }
      ScheduledFuture<?> pending = deadline;
      if (pending != null) {
        pending.cancel(false);
      }
      long end = System.nanoTime();
      held.progressed(end);
      latency.record(delivery.spore().type(), end - start);
      observed(error == null ? null : Outbox.unwrap(error));
      if (error == null) {
        duplicates.handled(delivery.spore().id(), ticket);
        outcomes.succeeded(delivery, context, result);
        return;
      }
      Throwable cause = Outbox.unwrap(error);
      if (isFatal(cause)) {
        duplicates.release(delivery.spore().id());
        outcomes.settle(delivery, delivery::requeue); // another instance, in a healthier JVM, may take it
        throw (Error) cause;
      }
      outcomes.failed(delivery, context, cause);
    }

    /** The handler returned: its thread is no longer this run's to interrupt, and starts the next run clean. */
    void leftThread() {
      synchronized (this) {
        thread = null;
      }
      running.left(this);
      Thread.interrupted(); // an interrupt meant for this run must not reach the next one
    }

    @Override
    public synchronized void interruptIfOnThread() {
      if (thread != null) {
        thread.interrupt();
      }
    }

    void timedOut() {
      if (!ended.compareAndSet(false, true)) {
        return;
      }
      interruptIfOnThread(); // a handler stuck in a blocking call gets out of it, and frees its lane
      CompletionStage<?> pendingStage = stage;
      if (pendingStage != null) {
        pendingStage.toCompletableFuture().cancel(true);
      }
      held.progressed(System.nanoTime());
      latency.record(delivery.spore().type(), System.nanoTime() - start);
      HandlerTimeoutException timeout = new HandlerTimeoutException(agent.agentName(), delivery.spore().id(),
          agent.handlerTimeout());
      observed(timeout);
      outcomes.failed(delivery, context, timeout);
    }
  }
}
