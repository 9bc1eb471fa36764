package dev.reef.spore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class JsonDocumentTest {

  record Reading(String sensor, double value, List<String> tags) {}

  @Nested
  class Making {

    @Test
    void fromAMap() {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("name", "reef");
      map.put("count", 3);
      map.put("nested", Map.of("ok", true));
      map.put("nothing", null);
      assertThat(JsonDocument.of(map).toJson())
          .isEqualTo("{\"name\":\"reef\",\"count\":3,\"nested\":{\"ok\":true},\"nothing\":null}");
    }

    @Test
    void fromAnObjectNodeCopiesIt() {
      ObjectNode node = JsonNodeFactory.instance.objectNode().put("a", 1);
      JsonDocument document = JsonDocument.of(node);
      node.put("a", 2).put("b", 3);
      assertThat(document.toJson()).isEqualTo("{\"a\":1}");
    }

    @Test
    void fromARecord() {
      JsonDocument document = JsonDocument.of(new Reading("t1", 21.5, List.of("lab")));
      assertThat(document.toJson()).isEqualTo("{\"sensor\":\"t1\",\"value\":21.5,\"tags\":[\"lab\"]}");
      assertThat(document.as(Reading.class)).isEqualTo(new Reading("t1", 21.5, List.of("lab")));
    }

    @Test
    void fromADocumentReturnsItAsIs() {
      JsonDocument document = JsonDocument.parse("{\"a\":1}");
      assertThat(JsonDocument.of(document)).isSameAs(document);
    }

    @Test
    void parseReadsOneObjectAndStoresItCompactly() {
      JsonDocument document = JsonDocument.parse("  { \"a\" : [1, 2],\n \"b\" : \"x\" }  ");
      assertThat(document.toJson()).isEqualTo("{\"a\":[1,2],\"b\":\"x\"}");
    }

    @Test
    void parseKeepsCompactTextAsItCame() {
      String json = "{\"a\":\"two words\",\"b\":[1,{\"c\":null}],\"d\":\"\\u00e9 \\\" }\"}";
      JsonDocument document = JsonDocument.parse(json);
      assertThat(document.toJson()).isSameAs(json);
      assertThat(document.getString("d")).isEqualTo("\u00e9 \" }");
      assertThat(document).isEqualTo(JsonDocument.of(Map.of("a", "two words", "b", List.of(1, mapOfNull()),
          "d", "\u00e9 \" }"))).hasSameHashCodeAs(JsonDocument.parse(document.toObjectNode().toString()));
    }

    @Test
    void parseCompactsTextWithWhitespaceBetweenTokens() {
      assertThat(JsonDocument.parse("{\"a\":\"x y\", \"b\":1}").toJson()).isEqualTo("{\"a\":\"x y\",\"b\":1}");
      assertThat(JsonDocument.parse("{\"a\":1}\n").toJson()).isEqualTo("{\"a\":1}");
    }

    @Test
    void emptyIsTheEmptyObject() {
      assertThat(JsonDocument.empty().toJson()).isEqualTo("{}");
      assertThat(JsonDocument.empty().isEmpty()).isTrue();
      assertThat(JsonDocument.parse("{}")).isEqualTo(JsonDocument.empty());
      assertThat(JsonDocument.parse("{\"a\":1}").isEmpty()).isFalse();
    }
  }

  @Nested
  class Rejecting {

    @Test
    void nullIsNamed() {
      assertThatThrownBy(() -> JsonDocument.of(null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("expected a JSON object, got null");
    }

    @Test
    void theKindOfANonObjectIsNamed() {
      assertThatThrownBy(() -> JsonDocument.of(List.of(1))).hasMessage("expected a JSON object, got an array");
      assertThatThrownBy(() -> JsonDocument.of(7)).hasMessage("expected a JSON object, got a number");
      assertThatThrownBy(() -> JsonDocument.of(7.5)).hasMessage("expected a JSON object, got a number");
      assertThatThrownBy(() -> JsonDocument.of(false)).hasMessage("expected a JSON object, got a boolean");
      assertThatThrownBy(() -> JsonDocument.of(JsonNodeFactory.instance.textNode("x")))
          .hasMessage("expected a JSON object, got a string");
      assertThatThrownBy(() -> JsonDocument.of(JsonNodeFactory.instance.nullNode()))
          .hasMessage("expected a JSON object, got null");
    }

    @Test
    void aStringPointsToParse() {
      assertThatThrownBy(() -> JsonDocument.of("{\"a\":1}"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("got a string")
          .hasMessageContaining("JsonDocument.parse");
    }

    @Test
    void parseNamesTheKindOfANonObject() {
      assertThatThrownBy(() -> JsonDocument.parse("[1,2]")).hasMessage("expected a JSON object, got an array");
      assertThatThrownBy(() -> JsonDocument.parse("\"text\"")).hasMessage("expected a JSON object, got a string");
      assertThatThrownBy(() -> JsonDocument.parse("12")).hasMessage("expected a JSON object, got a number");
      assertThatThrownBy(() -> JsonDocument.parse("null")).hasMessage("expected a JSON object, got null");
      assertThatThrownBy(() -> JsonDocument.parse("")).hasMessageStartingWith("expected a JSON object, got ");
    }

    @Test
    void parseRejectsTextThatIsNotJson() {
      assertThatThrownBy(() -> JsonDocument.parse("{\"a\":"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("not valid JSON: ");
      assertThatThrownBy(() -> JsonDocument.parse("{a:1}")).hasMessageStartingWith("not valid JSON: ");
    }

    @Test
    void parseChecksEveryTokenOfCompactText() {
      for (String bad : List.of("{\"a\":\"\\q\"}", "{\"a\":\"\u0001\"}", "{\"a\":01}", "{\"a\":[1,}",
          "{\"a\":{\"b\":1}", "{\"a\":1}{", "{\"a\":1}x", "{\"a\":tru}", "{\"a\" 1}")) {
        assertThatThrownBy(() -> JsonDocument.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("not valid JSON: ");
      }
    }

    @Test
    void parseRejectsNull() {
      assertThatThrownBy(() -> JsonDocument.parse(null)).isInstanceOf(NullPointerException.class).hasMessage("json");
    }
  }

  @Nested
  class Size {

    @Test
    void byteSizeCountsUtf8BytesNotCharacters() {
      // {"k":"..."} is 8 characters of ASCII around the value.
      assertThat(JsonDocument.of(Map.of("k", "abc")).byteSize()).isEqualTo(11);
      assertThat(JsonDocument.of(Map.of("k", "é")).byteSize()).isEqualTo(8 + 2);
      assertThat(JsonDocument.of(Map.of("k", "€")).byteSize()).isEqualTo(8 + 3);
      JsonDocument emoji = JsonDocument.of(Map.of("k", "🪸")); // U+1FAB8, a surrogate pair in Java
      assertThat(emoji.toJson()).hasSize(8 + 2);
      assertThat(emoji.byteSize()).isEqualTo(8 + 4);
    }

    @Test
    void byteSizeOfTheEmptyObject() {
      assertThat(JsonDocument.empty().byteSize()).isEqualTo(2);
    }
  }

  @Nested
  class Accessors {

    private final JsonDocument document = JsonDocument.parse(
        "{\"name\":\"reef\",\"count\":3,\"flag\":true,\"nested\":{\"x\":[1,2]},\"none\":null}");

    @Test
    void getReturnsTheValueOrNullWhenAbsent() {
      assertThat(document.get("count").intValue()).isEqualTo(3);
      assertThat(document.get("nested").path("x").get(1).intValue()).isEqualTo(2);
      assertThat(document.get("none").isNull()).isTrue();
      assertThat(document.get("missing")).isNull();
    }

    @Test
    void getStringReturnsOnlyStrings() {
      assertThat(document.getString("name")).isEqualTo("reef");
      assertThat(document.getString("count")).isNull();
      assertThat(document.getString("nested")).isNull();
      assertThat(document.getString("none")).isNull();
      assertThat(document.getString("missing")).isNull();
    }

    @Test
    void hasTellsPresentFromAbsent() {
      assertThat(document.has("name")).isTrue();
      assertThat(document.has("none")).isTrue(); // present, with the value null
      assertThat(document.has("missing")).isFalse();
    }

    @Test
    void toMapGivesPlainJavaValues() {
      Map<String, Object> map = document.toMap();
      assertThat(map).containsEntry("name", "reef").containsEntry("count", 3).containsEntry("flag", true)
          .containsEntry("nested", Map.of("x", List.of(1, 2))).containsEntry("none", null);
      map.clear();
      assertThat(document.toMap()).hasSize(5);
    }

    @Test
    void asMapsOntoARecord() {
      JsonDocument reading = JsonDocument.parse("{\"sensor\":\"t2\",\"value\":3,\"tags\":[]}");
      assertThat(reading.as(Reading.class))
          .isEqualTo(new Reading("t2", 3.0, List.of()));
    }

    @Test
    void asFailsClearlyWhenTheObjectDoesNotFit() {
      JsonDocument wrong = JsonDocument.parse("{\"sensor\":\"t2\",\"value\":\"high\"}");
      assertThatThrownBy(() -> wrong.as(Reading.class))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("value");
    }

    @Test
    void toObjectNodeIsAFreshCopyEachTime() {
      ObjectNode first = document.toObjectNode();
      first.put("name", "changed");
      assertThat(document.toObjectNode()).isNotSameAs(first);
      assertThat(document.getString("name")).isEqualTo("reef");
    }

    @Test
    void toStringShowsShortDocumentsWhole() {
      assertThat(document.toString()).isEqualTo(document.toJson());
    }

    @Test
    void toStringShortensLongDocumentsAndSaysHowBigTheyAre() {
      JsonDocument big = JsonDocument.of(Map.of("text", "x".repeat(1000)));
      assertThat(big.toString()).hasSize(200 + "...(1011 bytes)".length()).endsWith("...(1011 bytes)");
    }
  }

  @Nested
  class Equality {

    @Test
    void fieldOrderDoesNotMatter() {
      JsonDocument ab = JsonDocument.parse("{\"a\":1,\"b\":{\"c\":\"x\",\"d\":[1,2]}}");
      JsonDocument ba = JsonDocument.parse("{\"b\":{\"d\":[1,2],\"c\":\"x\"},\"a\":1}");
      assertThat(ab.toJson()).isNotEqualTo(ba.toJson());
      assertThat(ab).isEqualTo(ba).hasSameHashCodeAs(ba);
      assertThat(ba).isEqualTo(ab);
    }

    @Test
    void documentsMadeDifferentlyFromTheSameValueAreEqual() {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("a", 1);
      map.put("b", "x");
      JsonDocument fromMap = JsonDocument.of(map);
      JsonDocument parsed = JsonDocument.parse("{\"b\":\"x\",\"a\":1}");
      JsonDocument fromNode = JsonDocument.of(JsonNodeFactory.instance.objectNode().put("a", 1).put("b", "x"));
      assertThat(fromMap).isEqualTo(parsed).isEqualTo(fromNode);
      assertThat(fromMap.hashCode()).isEqualTo(parsed.hashCode()).isEqualTo(fromNode.hashCode());
    }

    @Test
    void differentValuesAreNotEqual() {
      assertThat(JsonDocument.parse("{\"a\":1}")).isNotEqualTo(JsonDocument.parse("{\"a\":2}"));
      assertThat(JsonDocument.parse("{\"a\":1}")).isNotEqualTo(JsonDocument.parse("{\"a\":\"1\"}"));
      assertThat(JsonDocument.parse("{\"a\":[1,2]}")).isNotEqualTo(JsonDocument.parse("{\"a\":[2,1]}"));
      assertThat(JsonDocument.parse("{\"a\":1}")).isNotEqualTo(JsonDocument.parse("{\"a\":1,\"b\":null}"));
      assertThat(JsonDocument.parse("{}")).isNotEqualTo("{}");
    }

    /**
     * The same JSON value must give equal documents whatever Java number type it was made from: a
     * record with a {@code long} field and the same JSON parsed from the wire are one value.
     */
    @Test
    void numberTypesDoNotMatterWhenFieldOrderDiffers() {
      Map<String, Object> longs = new LinkedHashMap<>();
      longs.put("b", 2L);
      longs.put("a", 1L);
      JsonDocument fromLongs = JsonDocument.of(longs);
      JsonDocument parsed = JsonDocument.parse("{\"a\":1,\"b\":2}");
      assertThat(fromLongs).isEqualTo(parsed);
      assertThat(fromLongs).hasSameHashCodeAs(parsed);
    }

    /** equals and hashCode must agree: documents that are equal have equal hash codes. */
    @Test
    void equalDocumentsHaveEqualHashCodes() {
      JsonDocument fromFloat = JsonDocument.of(Map.of("x", 0.5f));
      JsonDocument parsed = JsonDocument.parse("{\"x\":0.5}");
      assertThat(fromFloat.toJson()).isEqualTo(parsed.toJson());
      assertThat(fromFloat).isEqualTo(parsed);
      assertThat(fromFloat.hashCode()).isEqualTo(parsed.hashCode());
    }
  }

  @Test
  void getNeverExposesTheInnerTree() {
    JsonDocument document = JsonDocument.parse("{\"list\":[1]}");
    JsonNode list = document.get("list");
    ((com.fasterxml.jackson.databind.node.ArrayNode) list).add(2);
    assertThat(document.toJson()).isEqualTo("{\"list\":[1]}");
    assertThat(document.get("list").size()).isEqualTo(1);
  }

  private static Map<String, Object> mapOfNull() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("c", null);
    return map;
  }
}
