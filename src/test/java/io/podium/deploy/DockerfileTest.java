package io.podium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Dockerfile, read instruction by instruction (no image can be built on these machines: {@code
 * docker} has no engine here): a jlink stage that trims Temurin 25 to the modules Podium uses, and
 * an image that packages the jar CI built and tested, trains its AOT caches and runs bin/podium,
 * not as root. ImageRuntimeIT runs Podium on a runtime linked from the same module list.
 */
class DockerfileTest {

  /** One instruction: its keyword, flags ({@code --from=build}) and arguments, lines joined. */
  record Instruction(String keyword, String arguments) {}

  /** Instructions of the Dockerfile, continuation lines joined and comments dropped. */
  static List<Instruction> instructions(String dockerfile) {
    List<Instruction> instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : dockerfile.lines().toList()) {
      String text = line.strip();
      if (current.isEmpty() && (text.isEmpty() || text.startsWith("#"))) {
        continue;
      }
      if (text.startsWith("#")) {
        continue;
      }
      if (text.endsWith("\\")) {
        current.append(text, 0, text.length() - 1).append(' ');
        continue;
      }
      current.append(text);
      String[] parts = current.toString().split("\\s+", 2);
      instructions.add(
          new Instruction(parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1] : ""));
      current.setLength(0);
    }
    return instructions;
  }

  /** The stages: each FROM and the instructions up to the next. */
  static List<List<Instruction>> stages(List<Instruction> instructions) {
    List<List<Instruction>> stages = new ArrayList<>();
    for (Instruction instruction : instructions) {
      if (instruction.keyword().equals("FROM")) {
        stages.add(new ArrayList<>());
      }
      stages.getLast().add(instruction);
    }
    return stages;
  }

  /** The modules the image's runtime keeps: the {@code jlink --add-modules} list. */
  static List<String> runtimeModules(List<Instruction> instructions) {
    var modules =
        instructions.stream()
            .filter(i -> i.keyword().equals("RUN") && i.arguments().startsWith("jlink "))
            .map(i -> Pattern.compile("--add-modules (\\S+)").matcher(i.arguments()))
            .filter(java.util.regex.Matcher::find)
            .map(m -> m.group(1))
            .reduce(
                (a, b) -> {
                  throw new AssertionError("two jlink runs: " + a + " / " + b);
                })
            .orElseThrow(() -> new AssertionError("no jlink --add-modules in the Dockerfile"));
    return List.of(modules.split(","));
  }

  @Test
  void theImagePackagesCisJarOnATrimmedRuntimeWithAnAotCachePerRoleAndNoTests() throws Exception {
    List<Instruction> instructions = instructions(Files.readString(Path.of("Dockerfile")));
    List<List<Instruction>> stages = stages(instructions);

    assertThat(stages).hasSize(2);
    List<Instruction> runtime = stages.get(0);
    assertThat(runtime.getFirst().arguments()).matches("eclipse-temurin:25-jdk\\S* AS runtime");
    assertThat(runtimeModules(instructions))
        .contains("java.base", "jdk.unsupported", "jdk.management", "java.net.http");

    List<Instruction> image = stages.get(1);
    assertThat(image.getFirst().arguments()).isEqualTo("ubuntu:noble");
    String runs =
        String.join(
            " ",
            instructions.stream()
                .filter(i -> i.keyword().equals("RUN"))
                .map(Instruction::arguments)
                .toList());
    // Nothing is built or tested in the image: no Maven, no test clients, no insecure step.
    assertThat(runs).doesNotContain("mvnw", "awscli", "npm", "--security=insecure");
    assertThat(runs).contains("iptables", "nftables", "conntrack", "curl");
    assertThat(image)
        .extracting(i -> i.keyword() + " " + i.arguments())
        .containsSubsequence(
            "COPY --from=runtime /opt/podium/jre /opt/podium/jre",
            "COPY bin/podium bin/podium-aot /opt/podium/bin/",
            "COPY target/podium.jar /opt/podium/lib/podium.jar",
            "RUN /opt/podium/bin/podium-aot standalone server agent && ls -l /opt/podium/lib/aot",
            "USER 65532:65532");
    // The build context holds the jar and nothing else of target/.
    assertThat(Files.readAllLines(Path.of(".dockerignore")))
        .contains("target/*", "!target/podium.jar", ".git");
    Instruction entrypoint =
        image.stream().filter(i -> i.keyword().equals("ENTRYPOINT")).findFirst().orElseThrow();
    assertThat(
            JsonMapper.builder()
                .build()
                .readerForListOf(String.class)
                .<List<String>>readValue(entrypoint.arguments()))
        .containsExactly("/opt/podium/bin/podium");
  }

  @Test
  void theChartRunsTheImageWithTheUserAndPortsItDeclares() throws Exception {
    String values = Files.readString(Path.of("charts/podium/values.yaml"));
    String dockerfile = Files.readString(Path.of("Dockerfile"));

    assertThat(values).contains("port: 8181", "port: 9180", "port: 8443");
    assertThat(dockerfile).contains("EXPOSE 8181 8443 9180");
  }
}
