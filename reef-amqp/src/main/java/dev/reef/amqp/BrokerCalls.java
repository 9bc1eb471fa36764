package dev.reef.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.reef.ReefException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests to the broker about its objects (declare, look up, count, purge, delete), run one at a time
 * on a thread of their own, which alone uses their channel; a caller waits for the answer only until
 * its deadline. So a caller never waits past its bound, even when the broker stops answering (a
 * resource alarm blocks the connection): the request goes on in the background, bounded by the
 * client's RPC timeout. A request the broker refuses closes the channel; the next one opens a fresh one.
 */
final class BrokerCalls implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerCalls.class);

  /** One request, given the channel. */
  interface Request<T> {
    T run(Channel channel) throws IOException;
  }

  private final Connection connection;
  private final Duration rpcTimeout;
  private final ExecutorService worker;
  private Channel channel; // used on the worker thread only

  /** @param name names the worker thread */
  BrokerCalls(Connection connection, String name, Duration rpcTimeout) {
    this.connection = connection;
    this.rpcTimeout = rpcTimeout;
    this.worker = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    });
  }

  /** One RPC timeout from now, in {@link System#nanoTime()}. */
  long deadline() {
    return System.nanoTime() + rpcTimeout.toNanos();
  }

  /** Runs {@code request}, waiting for its answer until {@code deadlineNanos}. */
  <T> T call(String what, Request<T> request, long deadlineNanos) {
    return await(submit(what, request), what, deadlineNanos);
  }

  /** Starts {@code request}; the future holds its answer, or what the broker said. */
  <T> CompletableFuture<T> submit(String what, Request<T> request) {
    CompletableFuture<T> answer = new CompletableFuture<>();
    try {
      worker.execute(() -> {
        try {
          answer.complete(request.run(channel()));
        } catch (IOException | RuntimeException e) {
          channel = null; // refused (closed by the broker) or timed out: the next request opens a fresh one
          answer.completeExceptionally(e);
        }
      });
    } catch (RejectedExecutionException e) {
      answer.completeExceptionally(new ReefException("the AMQP backend is closed; could not " + what));
    }
    return answer;
  }

  /** Waits for {@code answer} until {@code deadlineNanos}; a failure names {@code what} and the broker's reason. */
  static <T> T await(CompletableFuture<T> answer, String what, long deadlineNanos) {
    try {
      return answer.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new ReefException("the broker did not answer in time to " + what + " (is the connection blocked by a"
          + " resource alarm, or the broker overloaded?)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReefException("interrupted while waiting to " + what, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ReefException reef) {
        throw reef;
      }
      throw new ReefException("could not " + what + ": " + BrokerReason.of(cause), cause);
    }
  }

  private Channel channel() throws IOException {
    if (channel == null || !channel.isOpen()) {
      channel = connection.createChannel();
      if (channel == null) {
        throw new IOException("the broker has no channel left for this connection");
      }
    }
    return channel;
  }

  @Override
  public void close() {
    try {
      worker.submit(() -> Quietly.close(channel, "the topology channel")).get(rpcTimeout.toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
      LOG.debug("closing the topology channel: {}", e.toString());
    }
    worker.shutdownNow();
  }
}
