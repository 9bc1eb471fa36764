package dev.reef.tools.internal;

import java.util.regex.Pattern;

/**
 * Hides secrets in text meant for people: the password of every broker URI ({@code
 * amqp://user:***@host}) and the value of every URI query parameter whose name mentions a password.
 * Everything the CLI and the launcher print or log about a URI or an error goes through {@link
 * #mask}, because error messages of libraries may quote the URI they were given.
 */
public final class Secrets {
  /** {@code scheme://user:password@}: the password is everything between the first colon and the at. */
  private static final Pattern USER_INFO = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\\s]*:)[^@\\s/]*@");
  private static final Pattern PASSWORD_PARAMETER =
      Pattern.compile("([?&][^=&\\s]*password[^=&\\s]*=)[^&\\s]*", Pattern.CASE_INSENSITIVE);

  private Secrets() {}

  /** {@code text} with every URI password and password parameter replaced by {@code ***}; null stays null. */
  public static String mask(String text) {
    if (text == null) {
      return null;
    }
    String masked = USER_INFO.matcher(text).replaceAll("$1***@");
    return PASSWORD_PARAMETER.matcher(masked).replaceAll("$1***");
  }
}
