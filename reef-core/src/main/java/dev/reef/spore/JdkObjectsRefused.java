package dev.reef.spore;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.std.BeanSerializerBase;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;

/**
 * Refuses to write a JDK class (a {@code Thread}, a {@code ClassLoader}, an executor...) getter by
 * getter: Jackson would turn a handler that returns one by mistake into a reply of its internals,
 * or into a {@code {}}, instead of an error. JDK values that are data ({@code java.time}, {@code
 * UUID}, {@code URI}, collections, maps...) have serializers of their own and are not affected.
 */
final class JdkObjectsRefused extends BeanSerializerModifier {
  private static final long serialVersionUID = 1L;
  private static final String[] JDK_PACKAGES = {"java.", "javax.", "jdk.", "sun.", "com.sun."};

  private JdkObjectsRefused() {}

  /** The module to register on a mapper. */
  static SimpleModule module() {
    return new SimpleModule("reef-jdk-objects-refused").setSerializerModifier(new JdkObjectsRefused());
  }

  @Override
  public JsonSerializer<?> modifySerializer(SerializationConfig config, BeanDescription description,
      JsonSerializer<?> serializer) {
    Class<?> type = description.getBeanClass();
    return serializer instanceof BeanSerializerBase && isJdk(type) ? new Refusal(type) : serializer;
  }

  private static boolean isJdk(Class<?> type) {
    String name = type.getName();
    for (String prefix : JDK_PACKAGES) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /** Fails the write, naming the class. */
  private static final class Refusal extends StdSerializer<Object> {
    private static final long serialVersionUID = 1L;

    Refusal(Class<?> type) {
      super(type, false);
    }

    @Override
    public void serialize(Object value, JsonGenerator generator, SerializerProvider provider) throws IOException {
      throw JsonMappingException.from(generator, value.getClass().getName() + " is a JDK object, not data: "
          + "Reef does not write it as JSON (give a record, a map or a class of your own)");
    }
  }
}
