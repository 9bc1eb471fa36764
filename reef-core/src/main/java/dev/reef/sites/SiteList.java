package dev.reef.sites;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reef.spore.JsonMapping;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Reads a sites file (JSON):
 *
 * <pre>{@code
 * {"sites": [
 *   {"name": "paris", "amqp_uri": "amqp://reef:secret@rabbit.paris:5672/prod",
 *    "management_uri": "http://rabbit.paris:15672"},
 *   ...]}
 * }</pre>
 *
 * <p>At least two sites, with unique names. A failure names the file and the entry, never a password.
 */
public final class SiteList {
  private static final ObjectMapper MAPPER = JsonMapping.defaults().mapper();

  private SiteList() {}

  /**
   * The sites of {@code file}.
   *
   * @throws IllegalArgumentException when it cannot be read, is not such a list, or holds an invalid site
   */
  public static List<Site> read(Path file) {
    Objects.requireNonNull(file, "file");
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the sites file " + file + ": " + e.getMessage(), e);
    }
    try {
      return parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("sites file " + file + ": " + e.getMessage(), e);
    }
  }

  /** The sites of a JSON text; see {@link #read}. */
  public static List<Site> parse(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON (" + e.getClass().getSimpleName() + ")");
    }
    JsonNode list = root == null ? null : root.isArray() ? root : root.get("sites");
    if (list == null || !list.isArray()) {
      throw new IllegalArgumentException("expected {\"sites\": [{\"name\": ..., \"amqp_uri\": ..., \"management_uri\": ...}]}");
    }
    List<Site> sites = new ArrayList<>();
    for (JsonNode entry : list) {
      sites.add(new Site(text(entry, "name", sites.size()), uri(entry, "amqp_uri", sites.size()),
          uri(entry, "management_uri", sites.size())));
    }
    return check(sites);
  }

  /**
   * {@code sites} when they can be linked: at least two, unique names.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static List<Site> check(List<Site> sites) {
    Objects.requireNonNull(sites, "sites");
    if (sites.size() < 2) {
      throw new IllegalArgumentException("sites need at least two sites to link, got " + sites.size());
    }
    Set<String> names = new HashSet<>();
    for (Site site : sites) {
      Objects.requireNonNull(site, "a site");
      if (!names.add(site.name())) {
        throw new IllegalArgumentException("site '" + site.name() + "' is listed twice");
      }
    }
    return List.copyOf(sites);
  }

  private static String text(JsonNode entry, String field, int index) {
    JsonNode value = entry == null ? null : entry.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new IllegalArgumentException("site #" + (index + 1) + ": field '" + field + "' must be a non-empty string");
    }
    return value.asText().trim();
  }

  private static URI uri(JsonNode entry, String field, int index) {
    try {
      return new URI(text(entry, field, index));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("site #" + (index + 1) + ": field '" + field + "' is not a URI: " + e.getReason());
    }
  }
}
