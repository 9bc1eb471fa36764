package dev.reef.agent;

import dev.reef.SporeHandler;
import dev.reef.SubscriptionOptions;
import dev.reef.UnprocessableSporeException;
import dev.reef.spore.Names;
import dev.reef.spore.SporeType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What an agent is: its name, channels, subscription options and handlers. Immutable and valid by
 * construction; built with {@link #named} from lambdas or with {@link #fromAnnotated} from an
 * {@link AgentDefinition} class.
 *
 * <pre>{@code
 * AgentSpec summarizer = AgentSpec.named("summarizer")
 *     .channel("lab")
 *     .respondsTo("finding", (spore, ctx) -> { store(spore); return null; })
 *     .onAny((spore, ctx) -> null)
 *     .options(SubscriptionOptions.builder().concurrent(4).build())
 *     .build();
 * }</pre>
 *
 * @param name the agent name
 * @param channels the channels each instance subscribes to, at least one, no repeats
 * @param options how each instance consumes on each channel
 * @param routes the handlers; see {@link Route} for how a spore finds its handler
 */
public record AgentSpec(String name, List<String> channels, SubscriptionOptions options, List<Route> routes) {

  /** The channel of an agent that names none. */
  public static final String DEFAULT_CHANNEL = "main";

  /** Checks every field, and that no two routes claim the same spores. */
  public AgentSpec {
    Names.require("agent name", name);
    Objects.requireNonNull(channels, "channels");
    if (channels.isEmpty()) {
      throw new IllegalArgumentException("agent '" + name + "' needs at least one channel");
    }
    Set<String> distinct = new LinkedHashSet<>();
    for (String channel : channels) {
      Names.require("channel name", channel);
      if (!distinct.add(channel)) {
        throw new IllegalArgumentException("agent '" + name + "' lists channel '" + channel + "' twice");
      }
    }
    channels = List.copyOf(distinct);
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(routes, "routes");
    if (routes.isEmpty()) {
      throw new IllegalArgumentException("agent '" + name + "' has no handler: add respondsTo(...) or onAny(...)");
    }
    routes = List.copyOf(routes);
    requireUnambiguous(name, routes);
  }

  /** Starts a spec for the agent {@code name}, on channel {@value #DEFAULT_CHANNEL} unless told otherwise. */
  public static Builder named(String name) {
    return new Builder(Names.require("agent name", name));
  }

  /**
   * Compiles an {@link AgentDefinition} object: its {@link OnSpore} methods become the routes, and
   * they are called on {@code agent} (by every running instance, so they must be thread-safe when
   * the agent has several instances or concurrent handling).
   *
   * @throws IllegalArgumentException when the class lacks {@link AgentDefinition}, has no {@link
   *     OnSpore} method, a handler method has the wrong signature, or the definition is invalid
   */
  public static AgentSpec fromAnnotated(Object agent) {
    Objects.requireNonNull(agent, "agent");
    if (agent instanceof Class<?> type) {
      return fromAnnotatedClass(type);
    }
    return AnnotatedAgents.compile(agent.getClass(), agent);
  }

  /**
   * Creates one object of an {@link AgentDefinition} class with its no-argument constructor and
   * compiles it as {@link #fromAnnotated} does.
   *
   * @throws IllegalArgumentException as {@link #fromAnnotated}, and when the class cannot be created
   */
  public static AgentSpec fromAnnotatedClass(Class<?> type) {
    Objects.requireNonNull(type, "type");
    AnnotatedAgents.definitionOf(type); // fail on a missing annotation before trying to construct
    return AnnotatedAgents.compile(type, AnnotatedAgents.instantiate(type));
  }

  private static void requireUnambiguous(String agent, List<Route> routes) {
    for (int i = 0; i < routes.size(); i++) {
      for (int j = i + 1; j < routes.size(); j++) {
        String overlap = routes.get(i).overlapWith(routes.get(j));
        if (overlap != null) {
          throw new IllegalArgumentException("agent '" + agent + "': " + routes.get(i).description() + " and "
              + routes.get(j).description() + " both handle " + overlap + "; a spore must have one handler");
        }
      }
    }
  }

  /**
   * One handler and the spores it takes. A spore goes to the route whose {@code respondsTo} names
   * its knowledge's {@code type} field, else to the route with an empty {@code respondsTo} (any
   * type); in both cases the spore's type must be in {@code sporeTypes} (empty for all). A spore no
   * route takes is acknowledged, counted as {@code reef.spores.unmatched} and logged at debug; a
   * request no route takes is refused with an error reply ({@link dev.reef.HandlerContext#replyError}),
   * so its caller hears at once.
   *
   * @param description names the handler in messages (a method, or the lambda's knowledge types)
   * @param respondsTo values of the knowledge's {@code type} field taken; empty for any
   * @param sporeTypes spore types taken; empty for all
   * @param handler what runs
   */
  public record Route(String description, Set<String> respondsTo, Set<SporeType> sporeTypes, SporeHandler handler) {

    /** Checks the fields. */
    public Route {
      Objects.requireNonNull(description, "description");
      Objects.requireNonNull(respondsTo, "respondsTo");
      Objects.requireNonNull(sporeTypes, "sporeTypes");
      Objects.requireNonNull(handler, "handler must not be null");
      for (String type : respondsTo) {
        if (type == null || type.isBlank()) {
          throw new IllegalArgumentException(description + ": a knowledge type to respond to must not be null or blank");
        }
      }
      respondsTo = Set.copyOf(respondsTo);
      sporeTypes = sporeTypes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(sporeTypes));
    }

    /** True when this route responds to any knowledge type. */
    public boolean isCatchAll() {
      return respondsTo.isEmpty();
    }

    /** True when this route takes spores of {@code type}. */
    public boolean takes(SporeType type) {
      return sporeTypes.isEmpty() || sporeTypes.contains(type);
    }

    /** What both routes would take, or null when they take nothing in common. */
    String overlapWith(Route other) {
      String knowledge;
      if (isCatchAll() && other.isCatchAll()) {
        knowledge = "any knowledge type";
      } else {
        Set<String> common = new LinkedHashSet<>(respondsTo);
        common.retainAll(other.respondsTo);
        if (common.isEmpty()) {
          return null; // a catch-all and a typed route do not compete: the typed one wins
        }
        knowledge = "knowledge type " + common;
      }
      Set<SporeType> types = EnumSet.allOf(SporeType.class);
      if (!sporeTypes.isEmpty()) {
        types.retainAll(sporeTypes);
      }
      if (!other.sporeTypes.isEmpty()) {
        types.retainAll(other.sporeTypes);
      }
      return types.isEmpty() ? null : knowledge + " for spore types " + types;
    }
  }

  /** Builds an {@link AgentSpec}. Not thread-safe; {@link #build()} validates. */
  public static final class Builder {
    private final String name;
    private final List<String> channels = new ArrayList<>();
    private final List<Route> routes = new ArrayList<>();
    private SubscriptionOptions options = SubscriptionOptions.DEFAULT;

    private Builder(String name) {
      this.name = name;
    }

    /** Adds a channel the agent listens on. */
    public Builder channel(String channel) {
      channels.add(Names.require("channel name", channel));
      return this;
    }

    /** Adds channels the agent listens on. */
    public Builder channels(String... channels) {
      Objects.requireNonNull(channels, "channels");
      Arrays.stream(channels).forEach(this::channel);
      return this;
    }

    /** Handles spores, of any spore type, whose knowledge's {@code type} is {@code knowledgeType}. */
    public Builder respondsTo(String knowledgeType, SporeHandler handler) {
      return route(new Route("respondsTo('" + knowledgeType + "')", Set.of(requireType(knowledgeType)), Set.of(),
          handler));
    }

    /** Handles spores of {@code sporeType} whose knowledge's {@code type} is {@code knowledgeType}. */
    public Builder respondsTo(String knowledgeType, SporeType sporeType, SporeHandler handler) {
      Objects.requireNonNull(sporeType, "sporeType");
      return route(new Route("respondsTo('" + knowledgeType + "', " + sporeType.wireValue() + ")",
          Set.of(requireType(knowledgeType)), Set.of(sporeType), handler));
    }

    /**
     * Handles spores whose knowledge's {@code type} is {@code knowledgeType}, reading the knowledge
     * as {@code type}; knowledge that does not fit is dead-lettered at once with the reason.
     */
    public <T> Builder respondsTo(String knowledgeType, Class<T> type, KnowledgeHandler<T> handler) {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(handler, "handler");
      return respondsTo(knowledgeType, (spore, context) -> {
        T knowledge;
        try {
          knowledge = spore.knowledge(type);
        } catch (IllegalArgumentException e) {
          throw new UnprocessableSporeException("spore " + spore.id() + " cannot be read as " + type.getName() + ": "
              + e.getMessage(), e);
        }
        return handler.handle(knowledge, context);
      });
    }

    /** Handles every spore no {@code respondsTo} handler takes, including spores without a {@code type}. */
    public Builder onAny(SporeHandler handler) {
      return route(new Route("onAny", Set.of(), Set.of(), handler));
    }

    /** Adds a route as it is. */
    public Builder route(Route route) {
      routes.add(Objects.requireNonNull(route, "route"));
      return this;
    }

    /** How each instance consumes (default {@link SubscriptionOptions#DEFAULT}). */
    public Builder options(SubscriptionOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * Builds the spec.
     *
     * @throws IllegalArgumentException when there is no handler or two handlers claim the same spores
     */
    public AgentSpec build() {
      List<String> chosen = channels.isEmpty() ? List.of(DEFAULT_CHANNEL) : channels;
      return new AgentSpec(name, chosen, options, routes);
    }

    private static String requireType(String knowledgeType) {
      if (knowledgeType == null || knowledgeType.isBlank()) {
        throw new IllegalArgumentException("knowledge type to respond to must not be null or blank");
      }
      return knowledgeType;
    }
  }
}
