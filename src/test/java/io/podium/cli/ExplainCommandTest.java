package io.podium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code podium explain} against the example pods, whose comments say what each one gets. */
class ExplainCommandTest {

  private static final String BASE = "arn:aws:iam::123456789012:role/";

  private record Run(int exitCode, String out, String err) {}

  private static Run explain(String... args) {
    List<String> all = new ArrayList<>(List.of("explain", "--pods-file", "examples/dev-pods.yaml"));
    all.addAll(List.of(args));
    CommandLine commandLine = PodiumCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    int code = commandLine.execute(all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void tellsTheRoleTheAnnotationAndThePolicyThatAllowedItWithTheSession() {
    Run run = explain("--role-base-arn", BASE, "dev/web");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("pod dev/web (127.0.0.1, ")
        .contains("role:         " + BASE + "dev-web, from the pod's iam.amazonaws.com/role")
        .contains("allowed by:   ")
        .contains("permitted in namespace dev by permitted regex 'dev-.*'")
        .contains("session name: dev@web")
        .contains("duration:     1h")
        .contains("tags:         none");
  }

  @Test
  void findsThePodByItsIpAndNamesTheServiceAccountItsRoleCameFrom() {
    Run run = explain("--role-base-arn", BASE, "--session-tags", "namespace,pod-name", "127.0.0.2");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("pod dev/worker")
        .contains("from service account worker's eks.amazonaws.com/role-arn")
        .contains("kubernetes-namespace=dev")
        .contains("kubernetes-pod-name=worker");
  }

  @Test
  void saysWhyAPodGetsNoRoleOrIsRefused() {
    Run none = explain("--role-base-arn", BASE, "dev/batch");
    Run refused = explain("--role-base-arn", BASE, "127.0.0.4");

    assertThat(none.out()).contains("answer:       404, no role").contains("--default-role");
    assertThat(refused.out()).contains("pod dev/intruder").contains("answer:       403, ");
    assertThat(refused.out()).contains("prod-admin");
  }

  @Test
  void readsKube2iamsFlagsAndSaysWhenNoPodMatches() {
    Run run = explain("--base-role-arn", BASE, "dev/nobody");
    Run notAnAddress = explain("dev-web");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("no pod dev/nobody in examples/dev-pods.yaml");
    assertThat(notAnAddress.exitCode()).isEqualTo(2);
    assertThat(notAnAddress.err()).contains("'dev-web' is neither NAMESPACE/NAME nor an IP");
  }

  @Test
  void theExampleInTroubleshootingIsWhatTheCommandPrints() throws java.io.IOException {
    String doc = java.nio.file.Files.readString(java.nio.file.Path.of("docs/troubleshooting.md"));
    String prompt = "$ podium explain --pods-file examples/dev-pods.yaml --role-base-arn " + BASE;
    int start = doc.indexOf(prompt);
    assertThat(start).as("the example in docs/troubleshooting.md").isNotNegative();
    String command = doc.substring(start, doc.indexOf('\n', start));
    String printed = doc.substring(command.length() + start + 1, doc.indexOf("```", start));

    Run run = explain("--role-base-arn", BASE, command.substring(command.lastIndexOf(' ') + 1));

    assertThat(run.out().replace(System.lineSeparator(), "\n")).isEqualTo(printed);
  }
}
