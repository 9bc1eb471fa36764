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

  /** The separator of an agent name and a site name in an address: {@code AGENT@SITE}. */
  public static final char SITE_SEPARATOR = '@';

  /**
   * Returns {@code address} when it is a valid recipient: an agent name, or {@code AGENT@SITE}
   * (an agent at one site of a Reef linked across sites; both parts valid names).
   *
   * @param kind what the address is, for the message ("agent name", "to_agent")
   * @throws IllegalArgumentException saying what is wrong with it
   */
  public static String requireAddress(String kind, String address) {
    String problem = addressProblem(address);
    if (problem != null) {
      throw new IllegalArgumentException("invalid " + kind + " " + quote(address) + ": " + problem);
    }
    return address;
  }

  /**
   * The part of an address before its site: {@code X} for {@code X} and for {@code X@SITE} (an agent's
   * name, or a reply queue's).
   */
  public static String agentOf(String address) {
    int at = address.indexOf(SITE_SEPARATOR);
    return at < 0 ? address : address.substring(0, at);
  }

  /** The site of an address {@code X@SITE}, or null for an address without one. */
  public static String siteOf(String address) {
    int at = address.indexOf(SITE_SEPARATOR);
    return at < 0 ? null : address.substring(at + 1);
  }

  /** What is wrong with a recipient address, or null when it is valid. */
  static String addressProblem(String address) {
    if (address == null) {
      return "must not be null";
    }
    int at = address.indexOf(SITE_SEPARATOR);
    if (at < 0) {
      return problem(address);
    }
    String agent = problem(address.substring(0, at));
    if (agent != null) {
      return "its agent name (before '@') " + agent;
    }
    String site = problem(address.substring(at + 1));
    return site == null ? null : "its site name (after '@') " + site;
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
