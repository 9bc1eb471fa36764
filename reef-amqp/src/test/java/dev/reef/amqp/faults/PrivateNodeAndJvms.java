package dev.reef.amqp.faults;

import dev.reef.amqp.process.AgentJvm;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fault test's stage: a fresh {@link PrivateRabbitNode} before each test, and after it every agent
 * JVM the test launched and then the node, closed whatever the test left running.
 *
 * <pre>{@code
 * @RegisterExtension final PrivateNodeAndJvms stage = new PrivateNodeAndJvms("reef-kill");
 *
 * AgentJvm jvm = stage.launch(AgentJvm.builder("worker").brokerUri(stage.node().amqpUri()) ...);
 * }</pre>
 */
final class PrivateNodeAndJvms implements BeforeEachCallback, AfterEachCallback {
  private final String namePrefix;
  private final List<AgentJvm> jvms = new ArrayList<>();
  private PrivateRabbitNode node;

  /** @param namePrefix the start of the node's name, which names the test in process listings */
  PrivateNodeAndJvms(String namePrefix) {
    this.namePrefix = namePrefix;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    node = PrivateRabbitNode.builder().namePrefix(namePrefix).start();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    try {
      jvms.forEach(AgentJvm::close);
      jvms.clear();
    } finally {
      node.close();
    }
  }

  /** This test's node. */
  PrivateRabbitNode node() {
    return node;
  }

  /** Launches {@code builder}'s JVM, to be closed after the test. */
  AgentJvm launch(AgentJvm.Builder builder) {
    AgentJvm jvm = builder.launch();
    jvms.add(jvm);
    return jvm;
  }
}
