package dev.reef.spore;

/** The naming rule shared by agents and channels: 1–128 characters of {@code A-Z a-z 0-9 _ -}. */
public final class Names {
  /** The longest valid name. */
  public static final int MAX_LENGTH = 128;

  private Names() {}

  /** True when {@code name} is a valid agent or channel name. */
  public static boolean isValid(String name) {
    return problem(name) == null;
  }

  /**
   * Returns {@code name} when valid.
   *
   * @param kind what the name names, for the message ("agent name", "channel name")
   * @throws IllegalArgumentException saying what is wrong with it
   */
  public static String require(String kind, String name) {
    String problem = problem(name);
    if (problem != null) {
      throw new IllegalArgumentException("invalid " + kind + " " + quote(name) + ": " + problem);
    }
    return name;
  }

  /** What is wrong with {@code name}, or null when it is valid. */
  static String problem(String name) {
    if (name == null) {
      return "must not be null";
    }
    if (name.isEmpty()) {
      return "must not be empty";
    }
    if (name.length() > MAX_LENGTH) {
      return "is " + name.length() + " characters long, the limit is " + MAX_LENGTH;
    }
    // A loop, not a regex: names are checked on every send.
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
      if (!allowed) {
        return "may only contain A-Z a-z 0-9 _ - (found '" + c + "' at " + i + ")";
      }
    }
    return null;
  }

  static String quote(String name) {
    if (name == null) {
      return "null";
    }
    return "'" + (name.length() > 40 ? name.substring(0, 40) + "..." : name) + "'";
  }
}
