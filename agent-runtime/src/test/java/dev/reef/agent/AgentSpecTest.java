package dev.reef.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.Concurrency;
import dev.reef.HandlerContext;
import dev.reef.SporeHandler;
import dev.reef.SubscriptionOptions;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Compiling agents into specs: the builder, annotated classes, and every way to get them wrong. */
class AgentSpecTest {
  private static final SporeHandler NOTHING = (spore, ctx) -> null;

  @AgentDefinition(name = "tuned", channels = {"lab", "ops"}, concurrency = Concurrency.CONCURRENT, poolSize = 4,
      prefetch = 8, capabilities = {"summarize", "translate"}, maxAttempts = 5)
  static final class Tuned {
    @OnSpore(respondsTo = {"finding", "hint"}, types = SporeType.BROADCAST)
    void finding(Spore spore) {}

    @OnSpore
    Object any(Spore spore, HandlerContext context) {
      return null;
    }
  }

  @AgentDefinition(name = "defaults")
  static final class Defaults {
    @OnSpore
    void any(Spore spore) {}
  }

  static final class NotAnAgent {
    @OnSpore
    void any(Spore spore) {}
  }

  @AgentDefinition(name = "no-handlers")
  static final class NoHandlers {
    void helper(Spore spore) {}
  }

  @AgentDefinition(name = "wrong")
  static final class WrongParameter {
    @OnSpore
    void handle(String text) {}
  }

  @AgentDefinition(name = "wrong")
  static final class SwappedParameters {
    @OnSpore
    void handle(HandlerContext context, Spore spore) {}
  }

  record Order(String id, int quantity) {}

  @AgentDefinition(name = "wrong")
  static final class TwoKnowledgeTypes {
    @OnSpore
    void handle(Order first, Order second) {}
  }

  @AgentDefinition(name = "wrong")
  static final class TooManyParameters {
    @OnSpore
    void handle(Spore spore, HandlerContext context, String extra) {}
  }

  @AgentDefinition(name = "wrong")
  static final class StaticHandler {
    @OnSpore
    static void handle(Spore spore) {}
  }

  @AgentDefinition(name = "ambiguous")
  static final class Ambiguous {
    @OnSpore(respondsTo = "finding")
    void first(Spore spore) {}

    @OnSpore(respondsTo = {"alert", "finding"}, types = SporeType.KNOWLEDGE)
    void second(Spore spore) {}
  }

  @AgentDefinition(name = "bad-pool", poolSize = 0)
  static final class BadPool {
    @OnSpore
    void any(Spore spore) {}
  }

  @AgentDefinition(name = "bad name!")
  static final class BadName {
    @OnSpore
    void any(Spore spore) {}
  }

  @AgentDefinition(name = "needs-argument")
  static final class NeedsArgument {
    NeedsArgument(String unused) {}

    @OnSpore
    void any(Spore spore) {}
  }

  @AgentDefinition(name = "base")
  static class Base {
    @OnSpore(respondsTo = "inherited")
    void inherited(Spore spore) {}
  }

  @AgentDefinition(name = "derived")
  static final class Derived extends Base {
    @OnSpore(respondsTo = "own")
    void own(Spore spore) {}
  }

  @Test
  void annotationBecomesSpec() {
    AgentSpec spec = AgentSpec.fromAnnotated(new Tuned());

    assertThat(spec.name()).isEqualTo("tuned");
    assertThat(spec.channels()).containsExactly("lab", "ops");
    SubscriptionOptions options = spec.options();
    assertThat(options.concurrency()).isEqualTo(Concurrency.CONCURRENT);
    assertThat(options.poolSize()).isEqualTo(4);
    assertThat(options.prefetch()).isEqualTo(8);
    assertThat(options.capabilities()).containsExactlyInAnyOrder("summarize", "translate");
    assertThat(options.retry().maxAttempts()).isEqualTo(5);
    assertThat(spec.routes()).extracting(AgentSpec.Route::description)
        .containsExactly("Tuned.any(Spore, HandlerContext)", "Tuned.finding(Spore)");
    AgentSpec.Route finding = spec.routes().get(1);
    assertThat(finding.respondsTo()).containsExactlyInAnyOrder("finding", "hint");
    assertThat(finding.sporeTypes()).containsExactly(SporeType.BROADCAST);
    assertThat(finding.takes(SporeType.KNOWLEDGE)).isFalse();
  }

  @Test
  void annotationDefaults() {
    AgentSpec spec = AgentSpec.fromAnnotatedClass(Defaults.class);

    assertThat(spec.channels()).containsExactly(AgentSpec.DEFAULT_CHANNEL);
    assertThat(spec.options()).isEqualTo(SubscriptionOptions.DEFAULT);
    assertThat(spec.routes()).singleElement().satisfies(route -> assertThat(route.isCatchAll()).isTrue());
  }

  @Test
  void handlersOfSuperclassesCount() {
    AgentSpec spec = AgentSpec.fromAnnotated(new Derived());

    assertThat(spec.name()).isEqualTo("derived");
    assertThat(spec.routes()).flatExtracting(route -> List.copyOf(route.respondsTo()))
        .containsExactlyInAnyOrder("own", "inherited");
  }

  @Test
  void builderMakesSpec() {
    SubscriptionOptions options = SubscriptionOptions.builder().concurrent(3).build();
    AgentSpec spec = AgentSpec.named("summarizer")
        .channel("lab")
        .respondsTo("finding", NOTHING)
        .respondsTo("summary", SporeType.REQUEST, NOTHING)
        .onAny(NOTHING)
        .options(options)
        .build();

    assertThat(spec.channels()).containsExactly("lab");
    assertThat(spec.options()).isEqualTo(options);
    assertThat(spec.routes()).extracting(AgentSpec.Route::description)
        .containsExactly("respondsTo('finding')", "respondsTo('summary', request)", "onAny");
    assertThat(AgentSpec.named("plain").onAny(NOTHING).build().channels()).containsExactly("main");
  }

  @Test
  void specIsImmutable() {
    AgentSpec spec = AgentSpec.named("a").channels("x", "y").onAny(NOTHING).build();

    assertThatThrownBy(() -> spec.channels().add("z")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> spec.routes().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> spec.routes().get(0).respondsTo().add("t"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void sameKnowledgeTypeForDifferentSporeTypesIsNotAmbiguous() {
    AgentSpec spec = AgentSpec.named("split")
        .respondsTo("summary", SporeType.REQUEST, NOTHING)
        .respondsTo("summary", SporeType.BROADCAST, NOTHING)
        .build();

    assertThat(spec.routes()).hasSize(2);
  }

  @Test
  void classWithoutAnnotationIsRejected() {
    assertThatThrownBy(() -> AgentSpec.fromAnnotated(new NotAnAgent()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(NotAnAgent.class.getName())
        .hasMessageContaining("@AgentDefinition");
    assertThatThrownBy(() -> AgentSpec.fromAnnotatedClass(NotAnAgent.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not an agent");
  }

  @Test
  void classWithoutHandlerIsRejected() {
    assertThatThrownBy(() -> AgentSpec.fromAnnotatedClass(NoHandlers.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no handler")
        .hasMessageContaining("@OnSpore");
  }

  @Test
  void theSporeAndTheContextMayComeInEitherOrder() {
    assertThat(AgentSpec.fromAnnotated(new SwappedParameters()).routes()).hasSize(1);
  }

  @Test
  void handlerWithWrongSignatureIsRejected() {
    assertThatThrownBy(() -> AgentSpec.fromAnnotated(new WrongParameter()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("@OnSpore method WrongParameter.handle(String) must take the spore, the context and/or the knowledge");
    assertThatThrownBy(() -> AgentSpec.fromAnnotated(new TwoKnowledgeTypes()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TwoKnowledgeTypes.handle(Order, Order) must take");
    assertThatThrownBy(() -> AgentSpec.fromAnnotated(new TooManyParameters()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TooManyParameters.handle(Spore, HandlerContext, String) must take");
    assertThatThrownBy(() -> AgentSpec.fromAnnotatedClass(StaticHandler.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be static");
  }

  @Test
  void ambiguousHandlersAreRejected() {
    assertThatThrownBy(() -> AgentSpec.fromAnnotated(new Ambiguous()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Ambiguous.first(Spore) and Ambiguous.second(Spore) both handle knowledge type [finding]")
        .hasMessageContaining("[KNOWLEDGE]");
    assertThatThrownBy(() -> AgentSpec.named("twice").onAny(NOTHING).onAny(NOTHING).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("both handle any knowledge type");
    assertThatThrownBy(() -> AgentSpec.named("twice").respondsTo("a", NOTHING).respondsTo("a", NOTHING).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("respondsTo('a') and respondsTo('a') both handle knowledge type [a]");
  }

  @Test
  void invalidDefinitionNamesTheClass() {
    assertThatThrownBy(() -> AgentSpec.fromAnnotatedClass(BadPool.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(BadPool.class.getName())
        .hasMessageContaining("poolSize must be at least 1, got 0");
    assertThatThrownBy(() -> AgentSpec.fromAnnotatedClass(BadName.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid agent name 'bad name!'");
  }

  @Test
  void classWithoutNoArgumentConstructorIsRejected() {
    assertThatThrownBy(() -> AgentSpec.fromAnnotatedClass(NeedsArgument.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a no-argument constructor");
    assertThat(AgentSpec.fromAnnotated(new NeedsArgument("an instance is fine")).name()).isEqualTo("needs-argument");
  }

  @Test
  void nullHandlerIsRejected() {
    assertThatThrownBy(() -> AgentSpec.named("a").respondsTo("t", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("handler must not be null");
    assertThatThrownBy(() -> AgentSpec.named("a").onAny(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("handler must not be null");
  }

  @Test
  void builderInputIsValidated() {
    assertThatThrownBy(() -> AgentSpec.named("no spaces"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid agent name");
    assertThatThrownBy(() -> AgentSpec.named("a").channel("a/b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid channel name 'a/b'");
    assertThatThrownBy(() -> AgentSpec.named("a").respondsTo(" ", NOTHING))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be null or blank");
    assertThatThrownBy(() -> AgentSpec.named("a").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("agent 'a' has no handler");
    assertThatThrownBy(() -> AgentSpec.named("a").channel("x").channel("x").onAny(NOTHING).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lists channel 'x' twice");
    assertThatThrownBy(() -> new AgentSpec("a", List.of(), SubscriptionOptions.DEFAULT,
        List.of(new AgentSpec.Route("r", Set.of(), Set.of(), NOTHING))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs at least one channel");
  }

  @Test
  void routeOfMethodHandsOverTheMethodsOwnException() {
    @AgentDefinition(name = "thrower")
    final class Thrower {
      @OnSpore
      Object fail(Spore spore) throws Exception {
        throw new java.io.IOException("disk on fire");
      }
    }
    AgentSpec spec = AgentSpec.fromAnnotated(new Thrower());
    Spore spore = Spore.builder(SporeType.KNOWLEDGE).from("x").to("thrower").knowledge(Map.of("a", 1)).build();

    assertThatThrownBy(() -> spec.routes().get(0).handler().handle(spore, null))
        .isInstanceOf(java.io.IOException.class)
        .hasMessage("disk on fire");
  }
}
