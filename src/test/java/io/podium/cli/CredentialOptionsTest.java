package io.podium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podium.core.RoleOutcome;
import io.podium.core.role.AllowedRoles;
import io.podium.core.role.NamespacePolicy;
import io.podium.testing.TestPods;
import org.junit.jupiter.api.Test;

class CredentialOptionsTest {

  @Test
  void refusesASessionNameTemplateWithoutTheNamespacePrefixAndNamesTheEscapeHatch() {
    CredentialOptions options = new CredentialOptions();
    options.roleBaseArn = "arn:aws:iam::123456789012:role/";
    options.sessionNameTemplate = "{namespace}-{pod}";

    assertThatThrownBy(() -> options.roleDecider(false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--session-name-template '{namespace}-{pod}' must start with")
        .hasMessageContaining("--unscoped-session-names");
  }

  @Test
  void unscopedSessionNamesAllowAnyTemplateAndThePodsOwnName() {
    CredentialOptions options = new CredentialOptions();
    options.roleBaseArn = "arn:aws:iam::123456789012:role/";
    options.sessionNameTemplate = "{namespace}-{pod}";
    options.unscopedSessionNames = true;

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
