package dev.reef.spring;

import dev.reef.agent.AgentDefinition;
import dev.reef.agent.AgentSpec;
import dev.reef.agent.OnSpore;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/** The application the starter's tests run: agents as beans, nothing else. */
@SpringBootConfiguration
@EnableAutoConfiguration
class TestAgents {

  @Bean
  Calculator calculator() {
    return new Calculator();
  }

  @Bean
  Slow slow(@Value("${test.slow.work:600ms}") Duration work) {
    return new Slow(work);
  }

  @Bean
  AgentSpec greeter() {
    return AgentSpec.named("greeter").onAny((spore, ctx) -> new Greeting("hello " + spore.knowledge(Name.class).name()))
        .build();
  }

  record Sum(int a, int b) {}

  record Result(int value) {}

  record Name(String name) {}

  record Greeting(String text) {}

  /** Adds, typed: records in, a record out. */
  @AgentDefinition(name = "calculator")
  static final class Calculator {
    @OnSpore(types = SporeType.REQUEST)
    Result add(Sum sum) {
      return new Result(sum.a() + sum.b());
    }
  }

  /** Takes its time over each spore, one at a time, holding one at most: what a drain must wait for. */
  @AgentDefinition(name = "slow", prefetch = 1)
  static final class Slow {
    final Duration work;
    final CountDownLatch started = new CountDownLatch(1);
    final AtomicInteger finished = new AtomicInteger();

    Slow(Duration work) {
      this.work = work;
    }

    @OnSpore
    void work(Spore spore) throws InterruptedException {
      started.countDown();
      Thread.sleep(work.toMillis());
      finished.incrementAndGet();
    }
  }
}
