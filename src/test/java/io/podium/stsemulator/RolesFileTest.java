package io.podium.stsemulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RolesFileTest {

  @TempDir Path dir;

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  @Test
  void readsYamlRolesWithTheirSettings() throws IOException {
    Path file =
        write(
            "roles.yaml",
            """
            roles:
              - arn: arn:aws:iam::123456789012:role/reader
              - arn: arn:aws:iam::123456789012:role/team/writer
                maxSessionDuration: 43200
                externalId: shared-secret
                trustedPrincipals:
                  - arn:aws:iam::123456789012:user/podium-emulator
            """);

    List<RoleDefinition> roles = RolesFile.load(file);

    assertThat(roles).hasSize(2);
    assertThat(roles.get(0).maxSessionDuration()).isEqualTo(Duration.ofHours(1));
    assertThat(roles.get(0).externalId()).isEmpty();
    assertThat(roles.get(0).trustedPrincipals()).isEmpty();
    RoleDefinition writer = roles.get(1);
    assertThat(writer.arn().name()).isEqualTo("writer");
    assertThat(writer.maxSessionDuration()).isEqualTo(Duration.ofHours(12));
    assertThat(writer.externalId()).contains("shared-secret");
    assertThat(writer.trustedPrincipals())
        .isEqualTo(Optional.of(Set.of("arn:aws:iam::123456789012:user/podium-emulator")));
  }

  @Test
  void readsATopLevelJsonList() throws IOException {
    Path file =
        write(
            "roles.json",
            "[{\"arn\": \"arn:aws-cn:iam::123456789012:role/r\", \"maxSessionDuration\": 7200}]");

    List<RoleDefinition> roles = RolesFile.load(file);

    assertThat(roles)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.arn().partition()).isEqualTo("aws-cn");
              assertThat(r.maxSessionDuration()).isEqualTo(Duration.ofHours(2));
            });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "not a list|roles: {arn: x}|expected a list of roles",
        "empty list|roles: []|lists no roles",
        "empty file|''|is empty",
        "yaml syntax|'roles: [\"unterminated'|is not valid YAML",
        "entry not an object|roles: [arn]|role #1: expected an object",
        "missing arn|roles: [{externalId: ab}]|role #1: 'arn' is missing",
        "bad arn|roles: [{arn: 'arn:aws:iam::12:role/r'}]|role #1: 'arn' is invalid: account id",
        "unknown field|roles: [{arn: 'arn:aws:iam::123456789012:role/r', maxSession: 1}]"
            + "|unknown field 'maxSession'",
        "short max|roles: [{arn: 'arn:aws:iam::123456789012:role/r', maxSessionDuration: 60}]"
            + "|'maxSessionDuration' must be a whole number of seconds from 3600 to 43200, got 60",
        "text max|roles: [{arn: 'arn:aws:iam::123456789012:role/r', maxSessionDuration: 1h}]"
            + "|'maxSessionDuration' must be a whole number",
        "bad external id|roles: [{arn: 'arn:aws:iam::123456789012:role/r', externalId: 'a b'}]"
            + "|'externalId' must be a string",
        "principals not list|roles: [{arn: 'arn:aws:iam::123456789012:role/r',"
            + " trustedPrincipals: x}]|'trustedPrincipals' must be a list",
        "principal not arn|roles: [{arn: 'arn:aws:iam::123456789012:role/r',"
            + " trustedPrincipals: [bob]}]|entries must be ARNs",
        "duplicate|roles: [{arn: 'arn:aws:iam::123456789012:role/r'},"
            + " {arn: 'arn:aws:iam::123456789012:role/r'}]|role #2: arn:aws:iam::123456789012:role/r"
            + " is listed twice",
      })
  void explainsWhatIsWrongAndNamesTheFile(String name, String content, String problem)
      throws IOException {
    Path file = write("bad.yaml", content);

    assertThatThrownBy(() -> RolesFile.load(file))
        .isInstanceOf(InvalidRolesFileException.class)
        .hasMessageStartingWith("roles file " + file + ": ")
        .hasMessageContaining(problem);
  }

  @Test
  void reportsInvalidJsonWithItsLine() throws IOException {
    Path file = write("roles.json", "[\n{\"arn\": }\n]");

    assertThatThrownBy(() -> RolesFile.load(file))
        .hasMessageContaining("is not valid JSON")
        .hasMessageContaining("line 2");
  }

  @Test
  void reportsAMissingFile() {
    Path file = dir.resolve("absent.yaml");

    assertThatThrownBy(() -> RolesFile.load(file))
        .isInstanceOf(InvalidRolesFileException.class)
        .hasMessageContaining("absent.yaml")
        .hasMessageContaining("cannot be read");
  }
}
