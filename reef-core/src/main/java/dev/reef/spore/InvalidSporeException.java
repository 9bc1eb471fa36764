package dev.reef.spore;

/** A spore field holds a value the contract does not allow. The message names the field. */
public final class InvalidSporeException extends IllegalArgumentException {
  private final String field;

  /** Creates the exception for {@code field} (its wire name, e.g. {@code to_agent}). */
  public InvalidSporeException(String field, String problem) {
    super("invalid spore field " + field + ": " + problem);
    this.field = field;
  }

  /** The wire name of the offending field, e.g. {@code priority}. */
  public String field() {
    return field;
  }
}
