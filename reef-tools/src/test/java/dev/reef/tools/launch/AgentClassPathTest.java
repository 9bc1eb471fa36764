package dev.reef.tools.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The user's agent jars: entries, folders of jars ({@code DIR/*}), and what is refused. */
class AgentClassPathTest {
  private static final ClassLoader PARENT = AgentClassPathTest.class.getClassLoader();

  @Test
  void nothingNamedKeepsTheParentLoader() {
    assertThat(AgentClassPath.loader(null, PARENT)).isSameAs(PARENT);
    assertThat(AgentClassPath.loader(" ", PARENT)).isSameAs(PARENT);
  }

  @Test
  void jarsFoldersAndWildcardsBecomeOneLoaderOverTheParent(@TempDir Path dir) throws IOException {
    Path one = jar(dir.resolve("one.jar"));
    Path lib = Files.createDirectories(dir.resolve("lib"));
    Path two = jar(lib.resolve("two.jar"));
    jar(lib.resolve("three.jar"));
    Files.writeString(lib.resolve("notes.txt"), "not a jar");
    Path classes = Files.createDirectories(dir.resolve("classes"));

    ClassLoader loader = AgentClassPath.loader(one + ":" + lib + "/*:" + classes, PARENT);

    assertThat(loader).isInstanceOf(URLClassLoader.class);
    assertThat(loader.getParent()).isSameAs(PARENT);
    assertThat(Arrays.stream(((URLClassLoader) loader).getURLs()).map(url -> Path.of(url.getPath()).getFileName()
        .toString())).containsExactly("one.jar", "three.jar", "two.jar", "classes");
    assertThat(two).isRegularFile();
  }

  @Test
  void aMissingEntryIsNamed(@TempDir Path dir) {
    assertThatThrownBy(() -> AgentClassPath.loader(dir.resolve("missing.jar").toString(), PARENT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.jar does not exist");
    assertThatThrownBy(() -> AgentClassPath.loader(dir.resolve("nowhere") + "/*", PARENT))
        .hasMessageContaining("is not a folder");
  }

  private static Path jar(Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out)) {
      jar.closeEntry();
    }
    return file;
  }
}
