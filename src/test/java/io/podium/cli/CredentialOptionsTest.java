package io.podium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podium.core.RoleOutcome;
import io.podium.core.role.AllowedRoles;
import io.podium.core.role.NamespacePolicy;
import io.podium.testing.TestPods;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class CredentialOptionsTest {

  @Command(name = "test")
  static final class WithCredentialOptions {
    @Mixin CredentialOptions options;
  }

  /** The options as picocli fills them from {@code args}, defaults included. */
  private static CredentialOptions parse(String... args) {
    WithCredentialOptions command = new WithCredentialOptions();
    new CommandLine(command).parseArgs(args);
    return command.options;
  }

  @Test
  void refusesASessionNameTemplateWithoutTheNamespacePrefixAndNamesTheEscapeHatch() {
    CredentialOptions options =
        parse(
            "--role-base-arn",
            "arn:aws:iam::123456789012:role/",
            "--session-name-template",
            "{namespace}-{pod}");

    assertThatThrownBy(() -> options.roleDecider(false))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--session-name-template '{namespace}-{pod}' must start with")
        .hasMessageContaining("--unscoped-session-names");
  }

  @Test
  void unscopedSessionNamesAllowAnyTemplateAndThePodsOwnName() {
    CredentialOptions options =
        parse(
            "--role-base-arn",
            "arn:aws:iam::123456789012:role/",
            "--session-name-template",
            "{namespace}-{pod}",
            "--unscoped-session-names");

    RoleOutcome outcome =
        options
            .roleDecider(false)
            .decide(
                TestPods.running("shop", "web").withRole("reader").withSessionName("mine").build(),
                NamespacePolicy.compile("shop", "reader", AllowedRoles.ABSENT, options.baseArn()));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            RoleOutcome.Permitted.class,
            permitted -> assertThat(permitted.request().sessionName()).isEqualTo("mine"));
  }
}
