package dev.reef.examples.distributed;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reef.Concurrency;
import dev.reef.HandlerContext;
import dev.reef.agent.AgentDefinition;
import dev.reef.agent.OnSpore;
import dev.reef.spore.Spore;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

/**
 * Does jobs: a spore {@code {"type": "job", "job": 7, "work_ms": 200}} takes {@code work_ms} (default
 * 100, at most 60,000), then the worker sends {@code {"type": "job-done", "job": 7, "worker":
 * "PID@HOST", ...}} back to whoever sent the job. Every instance of {@code worker}, in every JVM,
 * consumes the same queue: the jobs are shared round-robin, and a JVM that stops hands its unstarted
 * jobs to the others.
 */
@AgentDefinition(name = "worker", concurrency = Concurrency.CONCURRENT, poolSize = 4, prefetch = 8)
public final class Worker {
  /** This process, as the results name it. */
  static final String PROCESS = ProcessHandle.current().pid() + "@" + hostName();
  private static final long MAX_WORK_MS = 60_000;

  /** Called by the launcher. */
  public Worker() {}

  @OnSpore(respondsTo = "job")
  void work(Spore job, HandlerContext context) throws InterruptedException {
    JsonNode number = job.knowledge().get("job");
    if (number == null || !number.canConvertToInt()) {
      throw new IllegalArgumentException("a job needs an integer 'job', got " + number);
    }
    JsonNode work = job.knowledge().get("work_ms");
    long millis = work == null ? 100 : Math.max(0, Math.min(MAX_WORK_MS, work.asLong()));
    Thread.sleep(millis);
    // join: the result is part of the job; if it cannot be sent, the job fails and is retried.
    context.send(job.fromAgent(), Map.of("type", "job-done", "job", number.intValue(), "worker", PROCESS,
        "instance", context.instanceId(), "work_ms", millis)).join();
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
