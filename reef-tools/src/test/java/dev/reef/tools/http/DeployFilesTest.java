package dev.reef.tools.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of {@code deploy/} without a Docker engine or a Kubernetes cluster: every file
 * parses, has the keys its tool requires, and agrees with the others and with {@link
 * ReefHttpServer} on image, port and paths (the probes ask what the server serves, Prometheus scrapes
 * where it exposes metrics). Building the image and running compose or kubectl is not done here: see
 * deploy/README.md.
 */
class DeployFilesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PORT = Integer.toString(ReefHttpServer.DEFAULT_PORT);
  private static Path root;
  private static Path deploy;

  @BeforeAll
  static void findRepository() {
    Path directory = Path.of("").toAbsolutePath();
    while (directory != null && !Files.isRegularFile(directory.resolve("deploy/Dockerfile"))) {
      directory = directory.getParent();
    }
    assertThat(directory).as("a parent directory of %s holding deploy/Dockerfile", Path.of("").toAbsolutePath())
        .isNotNull();
    root = directory;
    deploy = directory.resolve("deploy");
  }

  // ---- Dockerfile ----

  @Test
  void theImageRunsTheDistributionWithAgentJarsFromItsAgentsFolder() throws IOException {
    Map<String, List<String>> instructions = dockerfile(deploy.resolve("Dockerfile"));

    assertThat(instructions.get("FROM")).singleElement().asString().matches("eclipse-temurin:17-jre.*");
    assertThat(instructions.get("ARG")).containsExactly("REEF_VERSION=" + projectVersion());
    assertThat(instructions.get("COPY")).containsExactly(
        "reef-tools/target/reef-cli-${REEF_VERSION}/reef-${REEF_VERSION}/ /app/",
        "examples/target/examples-${REEF_VERSION}.jar /app/agents/examples.jar");
    assertThat(Files.readString(root.resolve("reef-tools/pom.xml")))
        .as("reef-tools builds the distribution the image copies")
        .contains("${project.build.directory}/reef-cli-${project.version}/reef-${project.version}");
    assertThat(Files.readString(root.resolve("reef-tools/src/dist/bin/reef")))
        .as("the launcher reads the agents folder and execs the JVM").contains("$home/agents/*", "exec \"$java\"");
    assertThat(instructions.get("EXPOSE")).containsExactly(PORT);
    assertThat(String.join(" ", instructions.get("ENV"))).contains("REEF_HTTP_PORT=" + PORT)
        .as("reachable from outside the container").contains("REEF_HTTP_HOST=0.0.0.0");
    assertThat(instructions.get("USER")).singleElement().asString().isNotIn("root", "0");
    assertThat(execForm(instructions.get("ENTRYPOINT").get(0))).containsExactly("/app/bin/reef");
    assertThat(execForm(instructions.get("CMD").get(0))).containsExactly("run");
    String healthcheck = instructions.get("HEALTHCHECK").get(0);
    assertThat(healthcheck).contains("127.0.0.1/" + PORT, "GET " + ReefHttpServer.READINESS_PATH + " ");
    assertThat(execForm(healthcheck.substring(healthcheck.indexOf("CMD ") + 4))).hasSize(3);
  }

  // ---- docker compose, Prometheus, Grafana ----

  @Test
  void composeRunsRabbitMqWithManagementAgentReplicasPrometheusAndGrafana() throws IOException {
    Map<String, Object> compose = map(yaml("docker-compose.yml"));
    Map<String, Object> services = map(compose.get("services"));
    assertThat(services).containsOnlyKeys("rabbitmq", "agent", "prometheus", "grafana");

    Map<String, Object> rabbit = map(services.get("rabbitmq"));
    assertThat(string(rabbit.get("image"))).matches("rabbitmq:[0-9.]+-management");
    assertThat(list(rabbit.get("ports"))).contains("5672:5672", "15672:15672");
    assertThat(map(rabbit.get("healthcheck"))).containsKey("test");

    Map<String, Object> agent = map(services.get("agent"));
    assertThat(string(agent.get("image"))).isEqualTo(agentImage());
    Map<String, Object> build = map(agent.get("build"));
    assertThat(deploy.resolve(string(build.get("context"))).resolve(string(build.get("dockerfile"))).normalize())
        .isEqualTo(deploy.resolve("Dockerfile").normalize());
    Map<String, Object> environment = map(agent.get("environment"));
    assertThat(environment.get("REEF_HTTP_PORT")).isEqualTo(PORT);
    assertThat(environment.get("REEF_HTTP_HOST")).as("reachable by Prometheus").isEqualTo("0.0.0.0");
    URI broker = URI.create(string(environment.get("REEF_AMQP_URI")).replace("${RABBITMQ_PASSWORD:-reef}", "reef"));
    assertThat(broker.getScheme()).isEqualTo("amqp");
    assertThat(broker.getHost()).as("the broker is the compose service").isEqualTo("rabbitmq");
    assertThat(broker.getPort()).isEqualTo(5672);
    assertAgentClassesExist(string(environment.get("REEF_AGENTS")));
    assertThat(map(map(agent.get("depends_on")).get("rabbitmq"))).containsEntry("condition", "service_healthy");
    assertThat(Integer.parseInt(string(map(agent.get("deploy")).get("replicas")))).isGreaterThanOrEqualTo(2);
    assertThat(list(agent.get("expose"))).containsExactly(PORT);
    assertThat(list(agent.get("ports"))).allSatisfy(port -> assertThat(string(port)).endsWith(":" + PORT));
    assertThat(duration(string(agent.get("stop_grace_period"))))
        .as("stop grace period longer than the drain timeout")
        .isGreaterThan(duration(string(environment.get("REEF_DRAIN_TIMEOUT"))));

    Map<String, Object> prometheus = map(services.get("prometheus"));
    assertThat(string(prometheus.get("image"))).startsWith("prom/prometheus:");
    assertThat(mountedFiles(prometheus)).containsEntry("/etc/prometheus/prometheus.yml", deploy.resolve("prometheus/prometheus.yml"))
        .containsEntry("/etc/prometheus/rules.yml", deploy.resolve("prometheus/rules.yml"));

    Map<String, Object> grafana = map(services.get("grafana"));
    assertThat(string(grafana.get("image"))).startsWith("grafana/grafana:");
    Map<String, Path> grafanaMounts = mountedFiles(grafana);
    assertThat(grafanaMounts).containsEntry("/etc/grafana/provisioning", deploy.resolve("grafana/provisioning"));
    assertThat(map(grafana.get("environment")).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"))
        .isEqualTo(containerPath(grafanaMounts, deploy.resolve("grafana/dashboards/reef.json")));
  }

  @Test
  void prometheusScrapesEveryAgentReplicaWhereTheServerExposesMetrics() throws IOException {
    Map<String, Object> config = map(yaml("prometheus/prometheus.yml"));
    List<Object> jobs = list(config.get("scrape_configs"));
    assertThat(jobs).hasSize(1);
    Map<String, Object> job = map(jobs.get(0));
    assertThat(job.get("job_name")).isEqualTo("reef-agents");
    assertThat(job.get("metrics_path")).isEqualTo(ReefHttpServer.METRICS_PATH);
    Map<String, Object> discovery = map(list(job.get("dns_sd_configs")).get(0));
    assertThat(list(discovery.get("names"))).containsExactly("agent"); // the compose service
    assertThat(discovery.get("type")).isEqualTo("A");
    assertThat(discovery.get("port")).isEqualTo(PORT);
  }

  @Test
  void grafanaIsProvisionedWithPrometheusAndADashboardOfTheExportedMeters() throws IOException {
    Map<String, Object> datasource = map(list(map(yaml("grafana/provisioning/datasources/prometheus.yml"))
        .get("datasources")).get(0));
    assertThat(datasource.get("type")).isEqualTo("prometheus");
    assertThat(datasource.get("url")).isEqualTo("http://prometheus:9090");
    assertThat(list(map(map(map(yaml("docker-compose.yml")).get("services")).get("prometheus")).get("ports")))
        .contains("9090:9090");
    String datasourceUid = string(datasource.get("uid"));

    Map<String, Object> provider = map(list(map(yaml("grafana/provisioning/dashboards/reef.yml")).get("providers")).get(0));
    assertThat(provider.get("type")).isEqualTo("file");
    Map<String, Path> grafanaMounts = mountedFiles(map(map(map(yaml("docker-compose.yml")).get("services")).get("grafana")));
    assertThat(map(provider.get("options")).get("path"))
        .isEqualTo(containerPath(grafanaMounts, deploy.resolve("grafana/dashboards")));

    JsonNode dashboard = JSON.readTree(deploy.resolve("grafana/dashboards/reef.json").toFile());
    assertThat(dashboard.path("uid").asText()).isNotBlank();
    assertThat(dashboard.path("title").asText()).isEqualTo("Reef");
    assertThat(dashboard.path("panels")).isNotEmpty();
    Set<String> queried = new HashSet<>();
    Set<Integer> ids = new HashSet<>();
    Pattern metric = Pattern.compile("\\b(reef_[a-z_]+|up|jvm_[a-z_]+|process_[a-z_]+)\\b");
    for (JsonNode panel : dashboard.path("panels")) {
      assertThat(ids.add(panel.path("id").asInt())).as("panel ids are unique").isTrue();
      assertThat(panel.path("datasource").path("uid").asText()).isEqualTo(datasourceUid);
      assertThat(panel.path("gridPos").path("w").asInt()).isBetween(1, 24);
      assertThat(panel.path("targets")).isNotEmpty();
      for (JsonNode target : panel.path("targets")) {
        assertThat(target.path("datasource").path("uid").asText()).isEqualTo(datasourceUid);
        Matcher matcher = metric.matcher(target.path("expr").asText());
        while (matcher.find()) {
          queried.add(matcher.group(1));
        }
      }
    }
    // Every series the dashboard asks for is one the agents export (SPEC §7 meters, Prometheus names).
    assertThat(exportedSeries()).containsAll(queried);
    assertThat(queried).contains("reef_spores_sent_total", "reef_spores_handled_total", "reef_spores_failed_total",
        "reef_spores_retried_total", "reef_spores_dead_lettered_total", "reef_spores_expired_total",
        "reef_spores_duplicates_total", "reef_spores_in_flight", "reef_handler_latency_seconds_count",
        "reef_request_round_trip_seconds_count");
  }

  // ---- Kubernetes ----

  @Test
  void theAgentDeploymentProbesTheServersHealthPathsAndIsScrapedOnItsMetricsPort() throws IOException {
    Map<String, Object> deployment = map(yaml("k8s/agent-deployment.yaml"));
    assertThat(deployment).containsEntry("apiVersion", "apps/v1").containsEntry("kind", "Deployment");
    Map<String, Object> spec = map(deployment.get("spec"));
    Map<String, Object> selector = map(map(spec.get("selector")).get("matchLabels"));
    Map<String, Object> template = map(spec.get("template"));
    Map<String, Object> podLabels = map(map(template.get("metadata")).get("labels"));
    assertThat(podLabels).containsAllEntriesOf(selector);
    Map<String, Object> annotations = map(map(template.get("metadata")).get("annotations"));
    assertThat(annotations).containsEntry("prometheus.io/scrape", "true")
        .containsEntry("prometheus.io/port", PORT)
        .containsEntry("prometheus.io/path", ReefHttpServer.METRICS_PATH);

    Map<String, Object> pod = map(template.get("spec"));
    Map<String, Object> container = map(list(pod.get("containers")).get(0));
    assertThat(container.get("image")).isEqualTo(agentImage());
    assertThat(list(container.get("args"))).containsExactly("run");
    Map<String, Object> port = map(list(container.get("ports")).get(0));
    assertThat(port).containsEntry("containerPort", PORT).containsEntry("name", "http");
    Map<String, String> env = env(container);
    assertThat(env).containsEntry("REEF_HTTP_PORT", PORT).containsEntry("REEF_HTTP_HOST", "0.0.0.0");
    assertAgentClassesExist(env.get("REEF_AGENTS"));
    assertThat(probe(container, "livenessProbe")).isEqualTo(ReefHttpServer.LIVENESS_PATH);
    assertThat(probe(container, "readinessProbe")).isEqualTo(ReefHttpServer.READINESS_PATH);
    assertThat(probe(container, "startupProbe")).isEqualTo(ReefHttpServer.LIVENESS_PATH);
    assertThat(Duration.ofSeconds(Long.parseLong(string(pod.get("terminationGracePeriodSeconds")))))
        .as("grace period longer than the drain timeout")
        .isGreaterThan(duration(env.get("REEF_DRAIN_TIMEOUT")));
    assertThat(map(pod.get("securityContext"))).containsEntry("runAsNonRoot", "true");
    assertThat(map(pod.get("securityContext")).get("runAsUser"))
        .as("the image's user").isEqualTo(dockerfile(deploy.resolve("Dockerfile")).get("USER").get(0));

    // The broker is the RabbitmqCluster's Service, with the credentials of the Secret the operator makes.
    Map<String, Object> cluster = map(yaml("k8s/rabbitmq-cluster.yaml"));
    String clusterName = string(map(cluster.get("metadata")).get("name"));
    URI broker = URI.create(env.get("REEF_AMQP_URI").replace("$(RABBITMQ_USERNAME)", "u").replace("$(RABBITMQ_PASSWORD)", "p"));
    assertThat(broker.getHost()).isEqualTo(clusterName);
    assertThat(broker.getPort()).isEqualTo(5672);
    int secrets = 0;
    for (Object variable : list(container.get("env"))) {
      Object from = map(variable).get("valueFrom");
      if (from != null) {
        Map<String, Object> secret = map(map(from).get("secretKeyRef"));
        assertThat(secret.get("name")).isEqualTo(clusterName + "-default-user");
        assertThat(secret.get("key")).isIn("username", "password");
        secrets++;
      }
    }
    assertThat(secrets).as("user name and password from the operator's Secret").isEqualTo(2);
  }

  @Test
  void theServiceSelectsTheAgentsAndTheClusterIsAnOperatorRabbitmqCluster() throws IOException {
    Map<String, Object> deployment = map(yaml("k8s/agent-deployment.yaml"));
    Map<String, Object> podLabels = map(map(map(map(deployment.get("spec")).get("template")).get("metadata")).get("labels"));

    Map<String, Object> service = map(yaml("k8s/agent-service.yaml"));
    assertThat(service).containsEntry("apiVersion", "v1").containsEntry("kind", "Service");
    Map<String, Object> serviceSpec = map(service.get("spec"));
    assertThat(podLabels).containsAllEntriesOf(map(serviceSpec.get("selector")));
    Map<String, Object> servicePort = map(list(serviceSpec.get("ports")).get(0));
    assertThat(servicePort).containsEntry("port", PORT).containsEntry("targetPort", "http");

    Map<String, Object> cluster = map(yaml("k8s/rabbitmq-cluster.yaml"));
    assertThat(cluster).containsEntry("apiVersion", "rabbitmq.com/v1beta1").containsEntry("kind", "RabbitmqCluster");
    int replicas = Integer.parseInt(string(map(cluster.get("spec")).get("replicas")));
    assertThat(replicas).as("an odd number of nodes, at least 3, for quorum queues").isGreaterThanOrEqualTo(3).isOdd();

    Map<String, Object> kustomization = map(yaml("k8s/kustomization.yaml"));
    List<Path> manifests;
    try (Stream<Path> files = Files.list(deploy.resolve("k8s"))) {
      manifests = files.filter(file -> !file.getFileName().toString().equals("kustomization.yaml")).sorted().toList();
    }
    assertThat(list(kustomization.get("resources")).stream().map(name -> deploy.resolve("k8s").resolve(string(name))))
        .as("kustomization lists every manifest").containsExactlyInAnyOrderElementsOf(manifests);
    Map<String, Object> namespace = map(yaml("k8s/namespace.yaml"));
    assertThat(map(namespace.get("metadata")).get("name")).isEqualTo(kustomization.get("namespace"));
  }

  @Test
  void theReadmeSaysWhatWasNotRun() throws IOException {
    String readme = Files.readString(deploy.resolve("README.md"));
    assertThat(readme).contains("not run", "docker build", "docker compose", "kubectl");
  }

  // ---- helpers ----

  /** The series the agents export: the meters of SPEC §7 under Micrometer's Prometheus names. */
  private static Set<String> exportedSeries() {
    Set<String> series = new HashSet<>(Set.of("up", "reef_spores_in_flight", "reef_agent_backlog",
        "jvm_memory_used_bytes", "process_cpu_usage", "jvm_gc_pause_seconds_sum", "jvm_threads_live_threads"));
    for (String counter : List.of("reef.spores.sent", "reef.spores.received", "reef.spores.handled",
        "reef.spores.failed", "reef.spores.retried", "reef.spores.dead_lettered", "reef.spores.expired",
        "reef.spores.duplicates", "reef.spores.send_failed", "reef.spores.undecodable", "reef.replies.late",
        "reef.actions.refused")) {
      series.add(counter.replace('.', '_') + "_total");
    }
    for (String timer : List.of("reef.handler.latency", "reef.request.round_trip")) {
      String base = timer.replace('.', '_') + "_seconds";
      series.addAll(List.of(base + "_count", base + "_sum", base + "_max", base + "_bucket"));
    }
    return series;
  }

  private static String projectVersion() throws IOException {
    Matcher version = Pattern.compile("<artifactId>reef-parent</artifactId>\\s*<version>([^<]+)</version>")
        .matcher(Files.readString(root.resolve("pom.xml")));
    assertThat(version.find()).as("the parent pom's version").isTrue();
    return version.group(1);
  }

  private static String agentImage() throws IOException {
    return string(map(map(map(yaml("docker-compose.yml")).get("services")).get("agent")).get("image"));
  }

  private static void assertAgentClassesExist(String agents) {
    assertThat(agents).isNotBlank();
    for (String entry : agents.split(",")) {
      String className = entry.split("=")[0].trim();
      Path source = root.resolve("examples/src/main/java").resolve(className.replace('.', '/') + ".java");
      assertThat(source).as("agent class %s is in the examples jar", className).isRegularFile();
    }
  }

  private static String probe(Map<String, Object> container, String name) {
    Map<String, Object> httpGet = map(map(container.get(name)).get("httpGet"));
    assertThat(httpGet.get("port")).as(name + " port").isIn("http", PORT);
    return string(httpGet.get("path"));
  }

  private static Map<String, String> env(Map<String, Object> container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (Object variable : list(container.get("env"))) {
      Map<String, Object> entry = map(variable);
      if (entry.containsKey("value")) {
        env.put(string(entry.get("name")), string(entry.get("value")));
      }
    }
    return env;
  }

  /** Bind mounts of a compose service: container path to host path (relative to deploy/). */
  private static Map<String, Path> mountedFiles(Map<String, Object> service) {
    Map<String, Path> mounts = new LinkedHashMap<>();
    for (Object volume : list(service.get("volumes"))) {
      String[] parts = string(volume).split(":");
      if (parts[0].startsWith("./")) {
        Path host = deploy.resolve(parts[0]).normalize();
        assertThat(host).as("mounted %s", parts[0]).exists();
        mounts.put(parts[1], host);
      }
    }
    return mounts;
  }

  /** Where {@code hostPath} appears inside the container, given the mounts. */
  private static String containerPath(Map<String, Path> mounts, Path hostPath) {
    for (Map.Entry<String, Path> mount : mounts.entrySet()) {
      if (hostPath.normalize().startsWith(mount.getValue())) {
        String rest = mount.getValue().relativize(hostPath.normalize()).toString();
        return rest.isEmpty() ? mount.getKey() : mount.getKey() + "/" + rest;
      }
    }
    throw new AssertionError(hostPath + " is not mounted");
  }

  /** Instruction name to arguments, continuation lines joined, comments dropped. */
  private static Map<String, List<String>> dockerfile(Path file) throws IOException {
    Map<String, List<String>> instructions = new LinkedHashMap<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(file)) {
      if (line.isBlank() || line.stripLeading().startsWith("#")) {
        continue;
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      current.append(line);
      String instruction = current.toString().trim();
      current.setLength(0);
      int space = instruction.indexOf(' ');
      assertThat(space).as("instruction with arguments: %s", instruction).isPositive();
      String keyword = instruction.substring(0, space);
      assertThat(keyword).as("a Dockerfile instruction").isIn("FROM", "RUN", "WORKDIR", "COPY", "ENV", "EXPOSE", "USER",
          "HEALTHCHECK", "STOPSIGNAL", "ENTRYPOINT", "CMD", "LABEL", "ARG");
      instructions.computeIfAbsent(keyword, k -> new ArrayList<>()).add(instruction.substring(space + 1).trim());
    }
    assertThat(current.toString()).as("no dangling continuation").isBlank();
    assertThat(instructions.keySet().iterator().next()).isEqualTo("FROM");
    return instructions;
  }

  /** A JSON-array (exec form) instruction argument. */
  private static List<String> execForm(String argument) throws IOException {
    JsonNode array = JSON.readTree(argument.trim());
    assertThat(array.isArray()).as("exec form: %s", argument).isTrue();
    List<String> words = new ArrayList<>();
    array.forEach(word -> words.add(word.asText()));
    return words;
  }

  private static final YAMLMapper YAML = YAMLMapper.builder().build();

  /** A YAML file as maps, lists and strings (every scalar as its text, as the tools read it). */
  private static Object yaml(String file) throws IOException {
    return plain(YAML.readTree(deploy.resolve(file).toFile()));
  }

  private static Object plain(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.fields().forEachRemaining(field -> map.put(field.getKey(), plain(field.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(element -> list.add(plain(element)));
      return list;
    }
    return node.isNull() ? null : node.asText();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    assertThat(value).as("a mapping").isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object value) {
    assertThat(value).as("a sequence").isInstanceOf(List.class);
    return (List<Object>) value;
  }

  private static String string(Object value) {
    assertThat(value).as("a scalar").isInstanceOf(String.class);
    return (String) value;
  }

  private static Duration duration(String text) {
    Matcher matcher = Pattern.compile("([0-9]+)(ms|s|m)").matcher(text);
    assertThat(matcher.matches()).as("a duration like 20s: %s", text).isTrue();
    long amount = Long.parseLong(matcher.group(1));
    return switch (matcher.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      default -> Duration.ofMinutes(amount);
    };
  }
}
