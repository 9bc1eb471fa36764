package dev.reef.tools.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reef.tools.internal.Durations;
import dev.reef.spore.SporeType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** How flag values become typed values; a value that does not convert is bad input (exit code 2). */
final class Converters {
  private static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private Converters() {}

  /** {@code 250ms}, {@code 5s}, {@code 2m}, {@code PT5S}. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return Durations.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** A JSON object given inline, or as {@code @FILE}. */
  static final class JsonObjectConverter implements ITypeConverter<ObjectNode> {
    @Override
    public ObjectNode convert(String value) {
      return jsonObject(value);
    }
  }

  /** A spore type by its wire value: {@code knowledge}, {@code request}, ... */
  static final class SporeTypeConverter implements ITypeConverter<SporeType> {
    @Override
    public SporeType convert(String value) {
      try {
        return SporeType.fromWire(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** Parses a JSON object from {@code value}, or from the file {@code @PATH} names. */
  static ObjectNode jsonObject(String value) {
    String text = value;
    String source = "";
    if (value.startsWith("@")) {
      Path file = Path.of(value.substring(1));
      source = " in " + file;
      try {
        text = Files.readString(file);
      } catch (IOException e) {
        throw new TypeConversionException("cannot read " + file + ": " + e);
      }
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      String problem = e.getOriginalMessage().lines().findFirst().orElse("");
      throw new TypeConversionException("not valid JSON" + source + " (line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr() + "): " + problem);
    }
    if (node == null || !node.isObject()) {
      throw new TypeConversionException("expected a JSON object" + source + ", like {\"a\": 1}, got "
          + (node == null ? "nothing" : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
    }
    return (ObjectNode) node;
  }
}
