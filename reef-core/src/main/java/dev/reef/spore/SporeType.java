package dev.reef.spore;

import java.util.Locale;

/** The kind of a spore. Wire values are the lower-case names ({@code knowledge}, {@code request}, ...). */
public enum SporeType {
  KNOWLEDGE,
  REQUEST,
  RESPONSE,
  BROADCAST,
  NOTIFICATION;

  private final String wireValue = name().toLowerCase(Locale.ROOT);

  /** The lower-case value written on the wire and used in routing keys. */
  public String wireValue() {
    return wireValue;
  }

  /**
   * Reads a wire value.
   *
   * @throws IllegalArgumentException naming the valid values when {@code value} is not one of them
   */
  public static SporeType fromWire(String value) {
    if (value != null) {
      for (SporeType type : values()) {
        if (type.wireValue.equals(value)) {
          return type;
        }
      }
    }
    throw new IllegalArgumentException(
        "unknown spore_type '" + value + "': expected one of knowledge, request, response, broadcast, notification");
  }
}
