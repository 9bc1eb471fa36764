package dev.reef.test;

import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A predicate on spores that can say what it matches, so that a failed expectation reads "no spore
 * (a request) and (to calculator)" rather than a lambda's class name. Combine with {@link #and} and
 * {@link #or}; wrap any predicate with {@link #of}.
 */
@FunctionalInterface
public interface SporeMatch extends Predicate<Spore> {

  /** What this matches, in words; by default the predicate's own {@code toString()}. */
  default String description() {
    return toString();
  }

  /** Both this and {@code other}. */
  default SporeMatch and(SporeMatch other) {
    Objects.requireNonNull(other, "other");
    return of("(" + description() + ") and (" + other.description() + ")", spore -> test(spore) && other.test(spore));
  }

  /** This or {@code other}. */
  default SporeMatch or(SporeMatch other) {
    Objects.requireNonNull(other, "other");
    return of("(" + description() + ") or (" + other.description() + ")", spore -> test(spore) || other.test(spore));
  }

  /** {@code predicate}, described as {@code description}. */
  static SporeMatch of(String description, Predicate<Spore> predicate) {
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(predicate, "predicate");
    return new SporeMatch() {
      @Override
      public boolean test(Spore spore) {
        return predicate.test(spore);
      }

      @Override
      public String description() {
        return description;
      }

      @Override
      public String toString() {
        return description;
      }
    };
  }

  /** Every spore. */
  static SporeMatch any() {
    return of("any spore", spore -> true);
  }

  /** Spores of {@code type}. */
  static SporeMatch type(SporeType type) {
    Objects.requireNonNull(type, "type");
    return of("a " + type.wireValue(), spore -> spore.type() == type);
  }

  /** Spores sent by the agent {@code agent}. */
  static SporeMatch from(String agent) {
    Objects.requireNonNull(agent, "agent");
    return of("from " + agent, spore -> agent.equals(spore.fromAgent()));
  }

  /** Spores directed to the agent {@code agent}. */
  static SporeMatch to(String agent) {
    Objects.requireNonNull(agent, "agent");
    return of("to " + agent, spore -> agent.equals(spore.toAgent()));
  }

  /** Spores whose knowledge has the field {@code type} equal to {@code knowledgeType} (Praval's {@code responds_to}). */
  static SporeMatch knowledgeType(String knowledgeType) {
    Objects.requireNonNull(knowledgeType, "knowledgeType");
    return of("knowledge of type '" + knowledgeType + "'",
        spore -> spore.knowledge() != null && knowledgeType.equals(spore.knowledge().getString("type")));
  }

  /** Spores whose knowledge has {@code field} equal to {@code value} (compared as text). */
  static SporeMatch knowledge(String field, Object value) {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(value, "value");
    String expected = String.valueOf(value);
    return of("knowledge with " + field + "=" + expected, spore -> spore.knowledge() != null
        && spore.knowledge().has(field) && expected.equals(spore.knowledge().get(field).asText()));
  }

  /** Spores sent by a handler of the spore {@code sporeId} (its {@code caused_by}). */
  static SporeMatch causedBy(String sporeId) {
    Objects.requireNonNull(sporeId, "sporeId");
    return of("caused by " + sporeId, spore -> sporeId.equals(spore.causedBy()));
  }

  /** Replies to the request {@code requestId}. */
  static SporeMatch replyTo(String requestId) {
    Objects.requireNonNull(requestId, "requestId");
    return of("a reply to " + requestId, spore -> requestId.equals(spore.replyTo()));
  }
}
