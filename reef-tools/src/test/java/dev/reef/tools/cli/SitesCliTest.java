package dev.reef.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.amqp.faults.PrivateRabbitNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * {@code reef sites link} and {@code reef sites status} (issue 14, acceptance 3) on two sites that are
 * two virtual hosts of one private node with the management and federation plugins: linking twice
 * changes nothing the second time, and status shows the links running. (Two sites on two nodes, with
 * traffic and a cut link, are in reef-amqp's SitesTest.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SitesCliTest {
  private PrivateRabbitNode node;
  private Path sitesFile;

  @BeforeAll
  void startANodeWithTwoVirtualHosts() throws Exception {
    int management = PrivateRabbitNode.freePorts(1)[0];
    node = PrivateRabbitNode.builder().namePrefix("reef-sites-cli").plugin("rabbitmq_management")
        .plugin("rabbitmq_federation").plugin("rabbitmq_federation_management")
        .config("management.tcp.port", Integer.toString(management)).config("management.tcp.ip", "127.0.0.1").start();
    StringBuilder json = new StringBuilder("{\"sites\": [");
    for (String site : List.of("a", "b")) {
      node.rabbitmqctl("add_vhost", "site-" + site);
      node.rabbitmqctl("set_permissions", "-p", "site-" + site, "guest", ".*", ".*", ".*");
      json.append(site.equals("a") ? "" : ", ").append("{\"name\": \"").append(site).append("\", \"amqp_uri\": \"")
          .append(node.amqpUri()).append("/site-").append(site).append("\", \"management_uri\": \"http://127.0.0.1:")
          .append(management).append("\"}");
    }
    sitesFile = Files.createTempFile("reef-sites-cli-", ".json");
    Files.writeString(sitesFile, json.append("]}").toString());
  }

  @AfterAll
  void stopTheNode() throws Exception {
    try {
      Files.deleteIfExists(sitesFile);
    } finally {
      node.close();
    }
  }

  @Test
  void linkingTwiceChangesNothingTheSecondTimeAndStatusShowsTheLinksRunning() {
    Result first = reef("sites", "link", "--sites", sitesFile.toString(), "-n", "clisites");
    Result second = reef("sites", "link", "--sites", sitesFile.toString(), "-n", "clisites");
    System.out.print("reef sites link (first run):\n" + first.out() + first.err());
    System.out.print("reef sites link (second run):\n" + second.out() + second.err());

    assertThat(first.exitCode()).isZero();
    // Ten objects, written by the first run; one of them may already be there: the first site's exchange
    // federation link, once its policy is in, declares the upstream site's exchange itself.
    assertThat(first.out().lines()).hasSize(10)
        .allMatch(line -> line.startsWith("changed ") || line.startsWith("unchanged "));
    assertThat(first.out().lines().filter(line -> line.startsWith("changed "))).hasSizeGreaterThanOrEqualTo(9);
    assertThat(second.exitCode()).isZero();
    assertThat(second.out().lines()).hasSize(10).allMatch(line -> line.startsWith("unchanged "));
    assertThat(second.err()).contains("nothing to change");
    assertThat(second.out()).doesNotContain("guest:guest");

    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
        .until(() -> reef("sites", "status", "--sites", sitesFile.toString(), "-n", "clisites").exitCode() == 0);
    Result status = reef("sites", "status", "--sites", sitesFile.toString(), "-n", "clisites");
    System.out.print("reef sites status:\n" + status.out());
    assertThat(status.out().lines()).hasSize(2).anyMatch(line -> line.startsWith("a -> b  running"))
        .anyMatch(line -> line.startsWith("b -> a  running")).allMatch(line -> line.contains("backlog 0"));
  }

  @Test
  void aMissingOrBadSitesFileIsBadInput() throws Exception {
    Result missing = reef("sites", "link", "--sites", "/nonexistent/sites.json");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("cannot read the sites file /nonexistent/sites.json");
    Path one = Files.createTempFile("reef-sites-one-", ".json");
    try {
      Files.writeString(one, "{\"sites\": [{\"name\": \"a\", \"amqp_uri\": \"amqp://x:secret@h/\","
          + " \"management_uri\": \"http://h:15672\"}]}");
      Result single = reef("sites", "status", "--sites", one.toString());
      assertThat(single.exitCode()).isEqualTo(2);
      assertThat(single.err()).contains("at least two sites").doesNotContain("secret");
    } finally {
      Files.deleteIfExists(one);
    }
  }

  private record Result(int exitCode, String out, String err) {}

  private static Result reef(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = ReefCli.commandLine(Map.of());
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    int exitCode = command.execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }
}
