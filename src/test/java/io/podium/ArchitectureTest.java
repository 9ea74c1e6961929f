package io.podium;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The layering the style guide promises, enforced by the build. */
class ArchitectureTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.podium");
  }

  @Test
  void coreIsFreeOfNettyFabric8AwsSdkAndGrpc() {
    noClasses()
        .that()
        .resideInAPackage("io.podium.core..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.netty..", "io.fabric8..", "software.amazon..", "io.grpc..", "com.google.protobuf..")
        .check(classes);
  }

  @Test
  void coreUsesOnlyTheJdkSlf4jAndRe2j() {
    classes()
        .that()
        .resideInAPackage("io.podium.core..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "java..", "javax.annotation..", "org.slf4j..", "com.google.re2j..", "io.podium.core..")
        .check(classes);
  }

  @Test
  void adaptersMeetOnlyThroughCore() {
    String[] adapters = {
      "io.podium.imds..",
      "io.podium.aws..",
      "io.podium.stsemulator..",
      "io.podium.kubernetes..",
      "io.podium.interception..",
      "io.podium.server..",
      "io.podium.ops.."
    };
    for (String adapter : adapters) {
      String[] others =
          java.util.Arrays.stream(adapters).filter(a -> !a.equals(adapter)).toArray(String[]::new);
      noClasses()
          .that()
          .resideInAPackage(adapter)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(others)
          .allowEmptyShould(true)
          .check(classes);
    }
  }

  /**
   * The agent API's wire contract ({@code api}: the generated {@code podium.v1} messages and their
   * codec) and its mutual TLS ({@code tls}) are shared by the agent and the server, like core: they
   * may use core, but no adapter.
   */
  @Test
  void sharedAgentApiPackagesUseNoAdapter() {
    noClasses()
        .that()
        .resideInAnyPackage("io.podium.wire..", "io.podium.tls..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.podium.imds..",
            "io.podium.aws..",
            "io.podium.stsemulator..",
            "io.podium.kubernetes..",
            "io.podium.server..",
            "io.podium.cli..")
        .check(classes);
  }

  @Test
  void onlyTheCommandLineWiresAdaptersTogether() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.podium.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.podium.cli..")
        .check(classes);
  }
}
