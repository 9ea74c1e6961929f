package io.podium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;

class OldFlagsTest {

  private final CommandSpec podium = PodiumCommand.commandLine().getCommandSpec();

  private OldFlags.Rewritten rewrite(String... args) {
    return OldFlags.rewrite(podium, args);
  }

  @Test
  void readsKube2iamsBaseRoleArnAsRoleBaseArnWithOneWarningNamingIt() {
    var rewritten = rewrite("standalone", "--base-role-arn", "arn:aws:iam::123456789012:role/");

    assertThat(rewritten.args())
        .containsExactly("standalone", "--role-base-arn", "arn:aws:iam::123456789012:role/");
    assertThat(rewritten.warnings())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("--base-role-arn", "kube2iam's flag", "read as --role-base-arn");
  }

  @Test
  void readsValuesWrittenWithAnEqualsSignToo() {
    assertThat(rewrite("standalone", "--base-role-arn=arn:aws:iam::123456789012:role/").args())
        .containsExactly("standalone", "--role-base-arn", "arn:aws:iam::123456789012:role/");
  }

  @Test
  void asksStsForTwiceKube2iamsSessionTtlAsKube2iamDid() {
    assertThat(rewrite("standalone", "--iam-role-session-ttl", "15m").args())
        .containsExactly("standalone", "--session-duration", "30m");
  }

  @Test
  void listensOnEveryAddressForKube2iamsAppPortAndKiamsPort() {
    assertThat(rewrite("standalone", "--app-port", "8181").args())
        .containsExactly("standalone", "--imds-listen", "0.0.0.0:8181");
    assertThat(rewrite("agent", "--port", ":3100").args())
        .containsExactly("agent", "--imds-listen", "0.0.0.0:3100");
  }

  @Test
  void readsKiamsFlagsOnTheCommandsThatReplaceKiam() {
    assertThat(rewrite("agent", "--whitelist-route-regexp", "/latest/meta-data/.*").args())
        .containsExactly("agent", "--allow-route-regexp", "/latest/meta-data/.*");
    assertThat(rewrite("server", "--session-refresh", "5m").args())
        .containsExactly("server", "--min-remaining", "5m");
    assertThat(rewrite("server", "--role-base-arn-autodetect").args())
        .containsExactly("server", "--role-base-arn", "auto");
  }

  @Test
  void dropsAFixedSettingGivenItsOnlyValueAndRefusesAnyOther() {
    var same = rewrite("standalone", "--iam-role-key", "iam.amazonaws.com/role");

    assertThat(same.args()).containsExactly("standalone");
    assertThat(same.warnings()).singleElement().asString().contains("dropped");
    assertThatThrownBy(() -> rewrite("standalone", "--iam-role-key", "example.com/role"))
        .isInstanceOf(OldFlags.Refusal.class)
        .hasMessageContaining("--iam-role-key")
        .hasMessageContaining("iam.amazonaws.com/role only");
  }

  @Test
  void refusesAFlagPodiumHasNoMeaningForWithTheReason() {
    assertThatThrownBy(() -> rewrite("standalone", "--auto-discover-default-role"))
        .isInstanceOf(OldFlags.Refusal.class)
        .hasMessageContaining("--auto-discover-default-role is kube2iam's")
        .hasMessageContaining("node's own role");
  }

  @Test
  void leavesPodiumsOwnFlagsAloneAndReadsGoStyleSwitches() {
    var rewritten =
        rewrite("standalone", "--iptables=true", "--namespace-restrictions", "false", "--debug");

    assertThat(rewritten.args())
        .containsExactly(
            "standalone", "--iptables", "--namespace-restrictions", "false", "--debug");
    assertThat(rewritten.warnings()).isEmpty();
  }

  @Test
  void readsGoDurations() {
    assertThat(OldFlags.goDuration("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(OldFlags.goDuration("1.5h")).isEqualTo(Duration.ofMinutes(90));
    assertThat(OldFlags.goDuration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThatThrownBy(() -> OldFlags.goDuration("15 minutes"))
        .isInstanceOf(OldFlags.Refusal.class);
  }
}
