package dev.reef.tools.launch;

import dev.reef.agent.AgentDefinition;
import dev.reef.agent.AgentSpec;
import dev.reef.agent.OnSpore;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.util.Map;
import java.util.function.Supplier;

/** Agent classes the launcher loads by name in the tests. */
final class TestAgents {
  private TestAgents() {}

  /** An annotated agent answering {@code hello} requests. */
  @AgentDefinition(name = "greeter", capabilities = "greeting", maxAttempts = 4)
  static final class Greeter {
    @OnSpore(respondsTo = "hello", types = SporeType.REQUEST)
    Map<String, Object> greet(Spore spore) {
      return Map.of("greeting", "hello, " + spore.knowledge().getString("name"));
    }
  }

  /** An agent made of lambdas, supplied by a class the launcher can name. */
  static final class EchoSupplier implements Supplier<AgentSpec> {
    @Override
    public AgentSpec get() {
      return AgentSpec.named("echo").onAny((spore, context) -> spore.knowledge()).build();
    }
  }

  /** A second class claiming the name {@code greeter}. */
  @AgentDefinition(name = "greeter")
  static final class OtherGreeter {
    @OnSpore
    void ignore(Spore spore) {}
  }

  /** Not an agent at all. */
  static final class Plain {}

  /** A supplier of something else. */
  static final class WrongSupplier implements Supplier<String> {
    @Override
    public String get() {
      return "not a spec";
    }
  }
}
