package dev.reef.tools.http;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The dashboard's page, style and script: plain files on the class path ({@code
 * dev/reef/tools/http/}), read once at start, so that a missing file fails the start, not a request.
 */
final class Assets {
  /** A file served as is. */
  record Asset(String contentType, Buffer content) {}

  private static final Map<String, String> FILES = Map.of(
      "/", "index.html",
      "/index.html", "index.html",
      "/dashboard.css", "dashboard.css",
      "/dashboard.js", "dashboard.js",
      "/favicon.svg", "favicon.svg");

  private final Map<String, Asset> byPath;

  private Assets(Map<String, Asset> byPath) {
    this.byPath = byPath;
  }

  static Assets load() {
    Map<String, Asset> loaded = new HashMap<>();
    FILES.forEach((path, file) -> loaded.put(path, new Asset(contentType(file), Buffer.buffer(read(file)))));
    return new Assets(Map.copyOf(loaded));
  }

  /** The asset served at {@code path}, or null. */
  Asset get(String path) {
    return byPath.get(path);
  }

  private static byte[] read(String file) {
    try (InputStream in = Assets.class.getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException("dashboard file dev/reef/tools/http/" + file + " is not on the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("could not read dashboard file " + file, e);
    }
  }

  private static String contentType(String file) {
    if (file.endsWith(".html")) {
      return "text/html; charset=utf-8";
    }
    if (file.endsWith(".css")) {
      return "text/css; charset=utf-8";
    }
    if (file.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    if (file.endsWith(".svg")) {
      return "image/svg+xml";
    }
    throw new IllegalArgumentException("no content type known for " + file);
  }
}
