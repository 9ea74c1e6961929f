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
 * docker} has no engine here): a build stage that runs CI's own Maven command on Temurin 25, and a
 * small JRE 25 runtime with the firewall tools, not root, running the jar.
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

  /** The Maven command .ci/run runs. */
  static String ciMavenCommand() throws Exception {
    return Files.readAllLines(Path.of(".ci/run")).stream()
        .map(String::strip)
        .filter(line -> line.startsWith("./mvnw "))
        .reduce(
            (a, b) -> {
              throw new AssertionError(".ci/run runs Maven twice: " + a + " / " + b);
            })
        .orElseThrow(() -> new AssertionError(".ci/run runs no ./mvnw"));
  }

  @Test
  void theBuildStageRunsCisMavenCommandOnTemurin25AndTheRuntimeTheJarOnAJre25() throws Exception {
    List<List<Instruction>> stages = stages(instructions(Files.readString(Path.of("Dockerfile"))));

    assertThat(stages).hasSize(2);
    List<Instruction> build = stages.get(0);
    assertThat(build.getFirst().arguments()).matches("eclipse-temurin:25-jdk\\S* AS build");
    String maven = ciMavenCommand();
    List<String> runs =
        build.stream().filter(i -> i.keyword().equals("RUN")).map(Instruction::arguments).toList();
    assertThat(runs)
        .as("the build stage runs %s, as .ci/run does", maven)
        .anyMatch(run -> run.replace("--security=insecure", "").strip().equals(maven));
    // The packages .ci/run installs for the tests are installed here too.
    String ciRun = Files.readString(Path.of(".ci/run"));
    var packages =
        Pattern.compile("apt-get install -y -qq --no-install-recommends ([a-z0-9 .-]+)")
            .matcher(ciRun);
    assertThat(packages.find()).isTrue();
    String buildRuns = String.join(" ", runs);
    for (String each : packages.group(1).strip().split("\\s+")) {
      assertThat(buildRuns).as("the build stage installs %s", each).contains(" " + each + " ");
    }
    assertThat(buildRuns).contains("npm ci --prefix src/test/js");

    List<Instruction> runtime = stages.get(1);
    assertThat(runtime.getFirst().arguments()).matches("eclipse-temurin:25-jre\\S*");
    String runtimeRuns =
        String.join(
            " ",
            runtime.stream()
                .filter(i -> i.keyword().equals("RUN"))
                .map(Instruction::arguments)
                .toList());
    assertThat(runtimeRuns).contains("iptables", "nftables", "conntrack");
    assertThat(runtimeRuns).doesNotContain("mvnw", "awscli", "npm");
    assertThat(runtime)
        .anySatisfy(
            i -> {
              assertThat(i.keyword()).isEqualTo("COPY");
              assertThat(i.arguments())
                  .isEqualTo("--from=build /src/target/podium.jar /opt/podium/podium.jar");
            });
    Instruction user =
        runtime.stream().filter(i -> i.keyword().equals("USER")).reduce((a, b) -> b).orElseThrow();
    assertThat(user.arguments()).isEqualTo("65532:65532");
    Instruction entrypoint =
        runtime.stream().filter(i -> i.keyword().equals("ENTRYPOINT")).findFirst().orElseThrow();
    List<String> command =
        JsonMapper.builder()
            .build()
            .readerForListOf(String.class)
            .readValue(entrypoint.arguments());
    assertThat(command)
        .startsWith("java")
        .endsWith("-jar", "/opt/podium/podium.jar")
        .contains("--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED");
  }

  @Test
  void theChartRunsTheImageWithTheUserAndPortsItDeclares() throws Exception {
    String values = Files.readString(Path.of("charts/podium/values.yaml"));
    String dockerfile = Files.readString(Path.of("Dockerfile"));

    assertThat(values).contains("port: 8181", "port: 9180", "port: 8443");
    assertThat(dockerfile).contains("EXPOSE 8181 8443 9180");
    assertThat(Files.readString(Path.of(".dockerignore"))).contains("target/", ".git");
  }
}
