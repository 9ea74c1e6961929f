package io.podium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;

/**
 * docs/migration.md's flag tables are {@link OldFlags}' catalogue: each table between its markers
 * must be what this test renders, so that the doc and the code cannot drift apart. Run with {@code
 * -Dpodium.docs.write=true} to write the rendered tables into the doc.
 */
class MigrationDocTest {

  private static final Path DOC = Path.of("docs/migration.md");

  @Test
  void kube2iamTableIsTheCatalogue() throws IOException {
    checkTable(
        "kube2iam",
        "| kube2iam flag | Podium (`podium standalone`) | notes |",
        List.of(OldFlags.Origin.KUBE2IAM));
  }

  @Test
  void kiamTableIsTheCatalogue() throws IOException {
    checkTable(
        "kiam",
        "| kiam flag | Podium | notes |",
        List.of(OldFlags.Origin.KIAM_AGENT, OldFlags.Origin.KIAM, OldFlags.Origin.KIAM_SERVER));
  }

  @Test
  void everyRenamedFlagLeadsToAnOptionOfACommandItsUsersMoveTo() {
    var commands = PodiumCommand.commandLine().getSubcommands();
    for (OldFlags.OldFlag flag : OldFlags.ALL) {
      if (flag.meaning() instanceof OldFlags.Meaning.Renamed renamed) {
        String podium = OldFlags.firstFlag(renamed.podium());
        assertThat(
                commands.values().stream()
                    .map(command -> command.getCommandSpec())
                    .filter(command -> flag.appliesTo(command))
                    .toList())
            .as("%s → %s", flag.name(), podium)
            .isNotEmpty();
      }
    }
  }

  private static void checkTable(String tool, String header, List<OldFlags.Origin> origins)
      throws IOException {
    String begin = "<!-- old-flags:" + tool + " (generated: MigrationDocTest) -->";
    String end = "<!-- /old-flags:" + tool + " -->";
    String doc = Files.readString(DOC);
    int from = doc.indexOf(begin);
    int to = doc.indexOf(end);
    assertThat(from).as("marker %s in %s", begin, DOC).isNotNegative();
    assertThat(to).as("marker %s in %s", end, DOC).isGreaterThan(from);
    String expected = render(header, origins);
    String actual = doc.substring(from + begin.length(), to);
    if (!actual.equals(expected) && Boolean.getBoolean("podium.docs.write")) {
      Files.writeString(
          DOC, doc.substring(0, from + begin.length()) + expected + doc.substring(to));
      return;
    }
    assertThat(actual)
        .as("%s's table in %s (-Dpodium.docs.write=true rewrites it)", tool, DOC)
        .isEqualTo(expected);
  }

  private static String render(String header, List<OldFlags.Origin> origins) {
    StringJoiner table = new StringJoiner("\n", "\n", "\n");
    table.add(header);
    table.add("|---|---|---|");
    for (OldFlags.Origin origin : origins) {
      for (OldFlags.OldFlag flag : OldFlags.ALL) {
        if (flag.origin() != origin) {
          continue;
        }
        String side =
            switch (origin) {
              case KUBE2IAM -> "";
              case KIAM_AGENT -> "agent ";
              case KIAM_SERVER -> "server ";
              case KIAM -> "agent/server ";
            };
        table.add(
            "| "
                + side
                + "`"
                + flag.name()
                + "` | "
                + cell(OldFlags.podiumColumn(flag))
                + " | "
                + cell(OldFlags.noteColumn(flag))
                + " |");
      }
    }
    return table.toString();
  }

  private static String cell(String text) {
    return text.replace("|", "\\|");
  }
}
