package dev.reef.tools.launch;

import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The user's own agent classes: jars and class folders named on the command line ({@code
 * --classpath}) or in {@value #ENV}, loaded beside Reef's own classes. Entries are separated by the
 * platform's path separator; {@code DIR/*} takes every jar in {@code DIR}, as {@code java -cp} does.
 */
public final class AgentClassPath {
  /** The environment variable listing agent jars when no flag does. */
  public static final String ENV = "REEF_CLASSPATH";

  private AgentClassPath() {}

  /**
   * A class loader over {@code paths} whose parent is {@code parent}, or {@code parent} itself when
   * {@code paths} is null or empty.
   *
   * @throws IllegalArgumentException naming an entry that does not exist
   */
  public static ClassLoader loader(String paths, ClassLoader parent) {
    if (paths == null || paths.isBlank()) {
      return parent;
    }
    List<URL> urls = new ArrayList<>();
    for (String entry : paths.split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        urls.addAll(urls(entry.trim()));
      }
    }
    return urls.isEmpty() ? parent : new URLClassLoader("reef-agents", urls.toArray(URL[]::new), parent);
  }

  private static List<URL> urls(String entry) {
    if (entry.endsWith("/*") || entry.equals("*")) {
      Path dir = Path.of(entry.length() == 1 ? "." : entry.substring(0, entry.length() - 2));
      if (!Files.isDirectory(dir)) {
        throw new IllegalArgumentException("class path entry " + entry + ": " + dir + " is not a folder");
      }
      try (Stream<Path> files = Files.list(dir)) {
        return files.filter(file -> file.getFileName().toString().endsWith(".jar")).sorted().map(AgentClassPath::url)
            .toList();
      } catch (IOException e) {
        throw new IllegalArgumentException("class path entry " + entry + " cannot be listed: " + e.getMessage(), e);
      }
    }
    Path path = Path.of(entry);
    if (!Files.exists(path)) {
      throw new IllegalArgumentException("class path entry " + entry + " does not exist");
    }
    return List.of(url(path));
  }

  private static URL url(Path path) {
    try {
      return path.toAbsolutePath().toUri().toURL();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException("class path entry " + path + ": " + e.getMessage(), e);
    }
  }
}
