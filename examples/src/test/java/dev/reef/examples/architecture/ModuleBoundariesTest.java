package dev.reef.examples.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module layers of Reef, checked on the compiled classes of every module (this module depends on
 * all of them): nothing above the backends reaches a backend, the engine or the SPI; and no main
 * class of the repository grows past 400 lines.
 */
@AnalyzeClasses(packages = "dev.reef", importOptions = ImportOption.DoNotIncludeTests.class)
class ModuleBoundariesTest {
  /** The packages of the modules above the backends: the agent model, the tools, the examples. */
  private static final String[] ABOVE_THE_BACKENDS = {"dev.reef.agent..", "dev.reef.tools..", "dev.reef.examples.."};
  private static final int MAX_LINES = 400;

  @ArchTest
  static final ArchRule nothingAboveTheBackendsImportsABackend = noClasses()
      .that().resideInAnyPackage(ABOVE_THE_BACKENDS)
      .should().dependOnClassesThat().resideInAnyPackage("dev.reef.amqp..", "dev.reef.inmemory..")
      .because("backends are chosen by URI and found with ServiceLoader: configuration only");

  @ArchTest
  static final ArchRule nothingAboveTheBackendsReachesTheEngineOrTheSpi = noClasses()
      .that().resideInAnyPackage(ABOVE_THE_BACKENDS)
      .should().dependOnClassesThat().resideInAnyPackage("dev.reef.internal..", "dev.reef.spi..")
      .because("the agent model and the tools are users of the API like any other");

  @ArchTest
  static final ArchRule theAgentModelKnowsNoTools = noClasses()
      .that().resideInAPackage("dev.reef.agent..")
      .should().dependOnClassesThat().resideInAPackage("dev.reef.tools..");

  @ArchTest
  static final ArchRule backendsKnowNoEngine = noClasses()
      .that().resideInAnyPackage("dev.reef.amqp..", "dev.reef.inmemory..")
      .should().dependOnClassesThat().resideInAPackage("dev.reef.internal..")
      .because("a backend implements the SPI and nothing else of the engine");

  @Test
  void noMainClassIsLongerThanFourHundredLines() throws IOException {
    Path repository = Path.of("").toAbsolutePath().getParent();
    try (Stream<Path> files = Files.walk(repository)) {
      List<String> tooLong = files
          .filter(path -> path.toString().endsWith(".java"))
          .filter(path -> path.toString().contains("/src/main/java/"))
          .filter(path -> !path.toString().contains("/target/") && !path.toString().contains("/quickstart/"))
          .filter(path -> lines(path) > MAX_LINES)
          .map(path -> repository.relativize(path) + " (" + lines(path) + " lines)")
          .toList();
      assertThat(tooLong).as("main classes over %d lines", MAX_LINES).isEmpty();
    }
  }

  private static long lines(Path file) {
    try (Stream<String> lines = Files.lines(file)) {
      return lines.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
