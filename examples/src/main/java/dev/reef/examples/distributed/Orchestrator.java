package dev.reef.examples.distributed;

import dev.reef.Channel;
import dev.reef.ReefException;
import dev.reef.spore.Spore;
import dev.reef.tools.launch.ReefConnection;
import dev.reef.tools.launch.Settings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The client of the distributed example, run in its own JVM: hands out jobs to the {@link Worker}s
 * running in other JVMs (they share them round-robin), collects their results, shows which process
 * did what, and asks the {@link Calculator} for the average. Exits with 0 when every job was done
 * exactly once and the calculator answered.
 *
 * <pre>{@code
 * java -cp examples/target/reef.jar dev.reef.examples.distributed.Orchestrator --jobs 20
 * }</pre>
 *
 * <p>Settings as for {@code reef}: {@code --uri}, else {@code REEF_AMQP_URI}, else {@code
 * amqp://localhost:5672}; {@code --namespace}, else {@code REEF_NAMESPACE}, else {@code reef}.
 */
@Command(name = "orchestrator", mixinStandardHelpOptions = true,
    description = "Hands out jobs to the workers, collects the results, and asks the calculator for the average.")
public final class Orchestrator implements Callable<Integer> {
  static final String NAME = "orchestrator";
  static final String CHANNEL = "main";

  @Option(names = "--uri", paramLabel = "URI", description = "The broker (env REEF_AMQP_URI).")
  String uri;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NAME", description = "The namespace (env REEF_NAMESPACE).")
  String namespace;

  @Option(names = "--jobs", paramLabel = "N", defaultValue = "20", description = "Jobs to hand out (default ${DEFAULT-VALUE}).")
  int jobs;

  @Option(names = "--work-ms", paramLabel = "MILLIS", defaultValue = "200",
      description = "How long each job takes, in milliseconds (default ${DEFAULT-VALUE}).")
  long workMillis;

  @Option(names = "--timeout-seconds", paramLabel = "SECONDS", defaultValue = "60",
      description = "How long to wait for all results, in seconds (default ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Spec
  CommandSpec spec;

  private final PrintStream out = System.out;

  /** Runs the orchestrator and exits with its status. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new Orchestrator()).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    Duration workTime;
    Duration wait;
    Settings settings;
    try {
      if (jobs < 1) {
        throw new IllegalArgumentException("--jobs must be at least 1, got " + jobs);
      }
      if (workMillis < 0 || timeoutSeconds < 1) {
        throw new IllegalArgumentException("--work-ms must not be negative and --timeout-seconds must be positive");
      }
      workTime = Duration.ofMillis(workMillis);
      wait = Duration.ofSeconds(timeoutSeconds);
      settings = Settings.resolve(new Settings(uri, namespace, null, null, null, List.of()), null, System.getenv());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    ConcurrentMap<Integer, List<String>> doneBy = new ConcurrentHashMap<>();
    try (ReefConnection connection = ReefConnection.open(settings, new SimpleMeterRegistry())) {
      Channel main = connection.reef().channel(CHANNEL);
      main.subscribe(NAME, (spore, context) -> {
        if ("job-done".equals(spore.knowledge().getString("type"))) {
          doneBy.computeIfAbsent(spore.knowledge().get("job").asInt(), job -> new CopyOnWriteArrayList<>())
              .add(spore.knowledge().getString("worker"));
        }
        return null;
      });
      out.println("Connected to " + connection.describe() + "; handing out " + jobs + " jobs of "
          + workTime.toMillis() + "ms to the workers");
      List<CompletableFuture<Void>> sent = new ArrayList<>();
      for (int job = 1; job <= jobs; job++) {
        sent.add(main.send(NAME, "worker", Map.of("type", "job", "job", job, "work_ms", workTime.toMillis())));
      }
      try {
        // All at once, then wait for the broker's confirms: one at a time would wait for each.
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
      } catch (CompletionException e) {
        out.println("Could not hand out the jobs: " + e.getCause().getMessage()
            + " (start workers first: bin/reef run dev.reef.examples.distributed.Worker)");
        return 1;
      }
      long deadline = System.nanoTime() + wait.toNanos();
      while (doneBy.size() < jobs && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      return report(doneBy, main);
    }
  }

  private int report(Map<Integer, List<String>> doneBy, Channel main) throws InterruptedException {
    Map<String, Integer> perProcess = new TreeMap<>();
    int twice = 0;
    for (List<String> workers : doneBy.values()) {
      workers.forEach(worker -> perProcess.merge(worker, 1, Integer::sum));
      twice += workers.size() > 1 ? 1 : 0;
    }
    out.println("Results: " + doneBy.size() + " of " + jobs + " jobs done, " + twice + " done more than once");
    perProcess.forEach((worker, count) -> out.println("  worker process " + worker + ": " + count + " jobs"));
    boolean allOnce = doneBy.size() == jobs && twice == 0;
    boolean answered = askAverage(main, perProcess.size());
    out.println(allOnce && answered ? "Done: every job was done exactly once." : "FAILED: see above.");
    return allOnce && answered ? 0 : 1;
  }

  /** Asks the calculator how many jobs each worker process did on average. */
  private boolean askAverage(Channel main, int processes) throws InterruptedException {
    if (processes == 0) {
      return false;
    }
    try {
      // Typed on both sides: the calculator's own records, written and read as JSON by Reef.
      Calculator.Result average = main.request(NAME, "calculator", new Calculator.Operation("divide",
          BigDecimal.valueOf(jobs), BigDecimal.valueOf(processes)), Calculator.Result.class, Duration.ofSeconds(10))
          .get(15, TimeUnit.SECONDS);
      out.println("The calculator says: " + jobs + " jobs / " + processes + " processes = " + average.result()
          + " jobs per process");
      return true;
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException | ReefException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      out.println("The calculator did not answer: " + cause.getMessage()
          + " (start it: bin/reef run dev.reef.examples.distributed.Calculator)");
      return false;
    }
  }
}
