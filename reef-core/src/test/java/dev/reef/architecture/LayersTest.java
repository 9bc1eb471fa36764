package dev.reef.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

/**
 * The layers of reef-core, as rules that fail the build when broken: the API packages never reach
 * the engine, no two packages depend on each other, and the engine's leaves never call back up.
 */
@AnalyzeClasses(packages = "dev.reef", importOptions = ImportOption.DoNotIncludeTests.class)
class LayersTest {

  /** Every package is its own slice: a cycle between any two packages fails. */
  private static final SliceAssignment BY_PACKAGE = new SliceAssignment() {
    @Override
    public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
      return SliceIdentifier.of(javaClass.getPackageName());
    }

    @Override
    public String getDescription() {
      return "one slice per package";
    }
  };

  @ArchTest
  static final ArchRule theApiNeverReachesTheEngine = noClasses()
      .that().resideInAnyPackage("dev.reef", "dev.reef.spore", "dev.reef.security", "dev.reef.spi", "dev.reef.sites")
      .should().dependOnClassesThat().resideInAPackage("dev.reef.internal..")
      .because("users import the API packages only, and the engine must be free to change behind them");

  @ArchTest
  static final ArchRule noCycleBetweenPackages = slices().assignedFrom(BY_PACKAGE)
      .should().beFreeOfCycles();

  @ArchTest
  static final ArchRule theSpiKnowsNoEngine = noClasses()
      .that().resideInAPackage("dev.reef.spi")
      .should().dependOnClassesThat().resideInAnyPackage("dev.reef.internal..", "dev.reef.security")
      .because("a backend moves spores; signing, policy and state are the engine's");

  @ArchTest
  static final ArchRule theEnginesLeavesNeverCallBackUp = noClasses()
      .that().resideInAnyPackage("dev.reef.internal.trace", "dev.reef.internal.metrics", "dev.reef.internal.directory")
      .should().dependOnClassesThat().resideInAPackage("dev.reef.internal.engine")
      .because("helpers never call back up into the engine that uses them");

  @ArchTest
  static final ArchRule valuesDependOnNothingElseOfReef = noClasses()
      .that().resideInAPackage("dev.reef.spore")
      .should().dependOnClassesThat().resideInAnyPackage("dev.reef", "dev.reef.spi", "dev.reef.security",
          "dev.reef.internal..")
      .because("a spore is a value every layer shares");
}
