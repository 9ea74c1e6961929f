package io.podium;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The layering of docs/architecture.md, enforced by the build: a core without I/O in four parts
 * stacked pod → role → session → broker, adapters that meet only through the core, no cycles, and a
 * rule for every package — including the ones issues have planned but not yet written.
 */
class ArchitectureTest {

  private static final String CORE = "io.podium.core..";

  /**
   * Each package (sub-packages excluded) and the Podium packages it may use besides itself. A
   * package missing here fails {@link #everyPackageHasARule()}.
   */
  private static final Map<String, List<String>> MAY_USE = new LinkedHashMap<>();

  static {
    MAY_USE.put("io.podium.core.pod", List.of());
    MAY_USE.put("io.podium.core.role", List.of("io.podium.core.pod"));
    MAY_USE.put("io.podium.core.session", List.of("io.podium.core.pod", "io.podium.core.role"));
    MAY_USE.put(
        "io.podium.core.broker",
        List.of("io.podium.core.pod", "io.podium.core.role", "io.podium.core.session"));
    // The webhook's view of service accounts: accounts and their namespaces' policies.
    MAY_USE.put("io.podium.core.account", List.of("io.podium.core.role"));
    MAY_USE.put("io.podium.core", List.of(CORE));
    // Shared by agent and server: the generated podium.v1 messages and their codec.
    MAY_USE.put("io.podium.wire", List.of(CORE, "io.podium.wire.v1"));
    MAY_USE.put("io.podium.wire.v1", List.of());
    MAY_USE.put("io.podium.tls", List.of());
    // Adapters: each uses the core only.
    MAY_USE.put("io.podium.imds", List.of(CORE));
    MAY_USE.put("io.podium.aws", List.of(CORE));
    MAY_USE.put("io.podium.stsemulator", List.of(CORE));
    MAY_USE.put("io.podium.kubernetes", List.of(CORE));
    MAY_USE.put("io.podium.interception", List.of(CORE));
    MAY_USE.put("io.podium.ops", List.of(CORE));
    // The agent feeds the metadata API the documents it renders; agent and server speak the wire
    // contract, the server over mutual TLS.
    MAY_USE.put("io.podium.agent", List.of(CORE, "io.podium.wire..", "io.podium.imds"));
    MAY_USE.put("io.podium.server", List.of(CORE, "io.podium.wire..", "io.podium.tls"));
    // The IRSA admission webhook and the OIDC issuer publisher (podium oidc): adapters like the
    // others.
    MAY_USE.put("io.podium.webhook", List.of(CORE));
    MAY_USE.put("io.podium.oidc", List.of(CORE));
    // The container-credentials endpoint (EKS Pod Identity's protocol): an adapter like the
    // metadata API, which it stands beside on every node. It uses imds for the pieces both
    // endpoints must share rather than copy: the connection guards (caps, timeouts, one request at
    // a time, the per-source rate limiter), the audit trail, and the credentials documents the
    // broker renders once per refresh for both.
    MAY_USE.put("io.podium.containercredentials", List.of(CORE, "io.podium.imds"));
    // The composition roots wire everything.
    MAY_USE.put("io.podium.cli", List.of("io.podium.."));
  }

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.podium");
  }

  static Stream<String> packages() {
    return MAY_USE.keySet().stream();
  }

  @ParameterizedTest
  @MethodSource("packages")
  void packageUsesOnlyWhatItsRuleAllows(String pkg) {
    String[] allowed =
        Stream.concat(Stream.of(pkg), MAY_USE.get(pkg).stream()).toArray(String[]::new);
    classes()
        .that()
        .resideInAPackage(pkg)
        .should()
        .onlyDependOnClassesThat(
            resideOutsideOfPackage("io.podium..").or(resideInAnyPackage(allowed)))
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void everyPackageHasARule() {
    Set<String> packages =
        classes.stream()
            .map(JavaClass::getPackageName)
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(MAY_USE.keySet()).containsAll(packages);
  }

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching("io.podium.(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void coreIsFreeOfNettyFabric8AwsSdkAndGrpc() {
    noClasses()
        .that()
        .resideInAPackage(CORE)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.netty..", "io.fabric8..", "software.amazon..", "io.grpc..", "com.google.protobuf..")
        .check(classes);
  }

  @Test
  void coreUsesOnlyTheJdkSlf4jRe2jAndNullnessAnnotations() {
    classes()
        .that()
        .resideInAPackage(CORE)
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "java..",
            "javax.annotation..",
            "org.jspecify.annotations..",
            "org.slf4j..",
            "com.google.re2j..",
            CORE)
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
