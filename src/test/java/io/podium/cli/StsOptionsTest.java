package io.podium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podium.aws.StsSettings;
import io.podium.core.role.RoleArn;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import software.amazon.awssdk.regions.Region;

/** {@link StsOptions} and {@link DurationConverter} as picocli sees them, mixed into a command. */
class StsOptionsTest {

  @Command(name = "podium-test")
  static final class Host {
    @Mixin final StsOptions sts = new StsOptions();
  }

  @Test
  void turnsEveryOptionIntoTheSettings() {
    StsSettings settings =
        settings(
            "--region",
            "eu-west-1",
            "--sts-endpoint",
            "http://127.0.0.1:4566",
            "--assume-role-arn",
            "arn:aws:iam::123456789012:role/podium-intermediate",
            "--assume-role-external-id",
            "ext-42",
            "--sts-timeout",
            "15s",
            "--sts-attempt-timeout",
            "500ms",
            "--sts-max-attempts",
            "5");

    assertThat(settings.region()).isEqualTo(Region.EU_WEST_1);
    assertThat(settings.endpointOverride()).isEqualTo(URI.create("http://127.0.0.1:4566"));
    assertThat(settings.intermediateRole())
        .isEqualTo(RoleArn.parse("arn:aws:iam::123456789012:role/podium-intermediate"));
    assertThat(settings.intermediateExternalId()).isEqualTo("ext-42");
    assertThat(settings.callTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(settings.attemptTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(settings.maxAttempts()).isEqualTo(5);
  }

  @Test
  void usesTheRegionalEndpointAndDefaultsWhenOnlyTheRegionIsGiven() {
    StsSettings settings = settings("--region", "us-east-1");

    assertThat(settings).isEqualTo(StsSettings.forRegion(Region.US_EAST_1));
  }

  @Test
  void requiresTheRegionAndSaysHowToGiveIt() {
    assertThatThrownBy(() -> settings())
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("Missing --region")
        .hasMessageContaining("--region eu-west-1");
  }

  @Test
  void usesTheDefaultRegionOnlyWhenNoneIsGiven() throws Exception {
    CommandLine command = parse();
    assertThat(((Host) command.getCommand()).sts.settings("us-west-2").region())
        .isEqualTo(Region.US_WEST_2);

    CommandLine withRegion = parse("--region", "eu-central-1");
    assertThat(((Host) withRegion.getCommand()).sts.settings("us-west-2").region())
        .isEqualTo(Region.EU_CENTRAL_1);
  }

  @Test
  void rejectsAMalformedAssumeRoleArnNamingTheOption() {
    assertThatThrownBy(
            () -> settings("--region", "us-east-1", "--assume-role-arn", "arn:aws:iam::1:user/x"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--assume-role-arn");
  }

  @Test
  void rejectsAnExternalIdWithoutTheRoleItIsFor() {
    assertThatThrownBy(
            () -> settings("--region", "us-east-1", "--assume-role-external-id", "ext-42"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--assume-role-external-id needs --assume-role-arn");
  }

  @Test
  void rejectsAnAttemptTimeoutLongerThanTheCallTimeout() {
    assertThatThrownBy(
            () ->
                settings(
                    "--region", "us-east-1", "--sts-timeout", "1s", "--sts-attempt-timeout", "2s"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--sts-attempt-timeout");
  }

  @ParameterizedTest
  @CsvSource({"500ms, PT0.5S", "5s, PT5S", "15m, PT15M", "1h, PT1H", "1h30m, PT1H30M", "2d, PT48H"})
  void readsDurationsAsPeopleWriteThem(String written, Duration expected) {
    StsSettings settings =
        settings("--region", "us-east-1", "--sts-timeout", written, "--sts-attempt-timeout", "1ms");

    assertThat(settings.callTimeout()).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"5", "5x", "-5s", "s", "5 s", "1.5s"})
  void rejectsDurationsWithoutAUnitItKnows(String written) {
    assertThatThrownBy(() -> parse("--region", "us-east-1", "--sts-timeout", written))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--sts-timeout")
        .hasMessageContaining("500ms, 5s, 15m, 1h");
  }

  @Test
  void describesEveryOptionInTheHelp() {
    StringWriter help = new StringWriter();
    new CommandLine(new Host()).usage(new PrintWriter(help));

    assertThat(help.toString())
        .contains(
            "--region=REGION",
            "--sts-endpoint=URL",
            "--assume-role-arn=ARN",
            "--assume-role-external-id=ID",
            "--sts-timeout=DURATION",
            "--sts-attempt-timeout=DURATION",
            "--sts-max-attempts=N",
            "default: 10s",
            "role chaining");
  }

  private static StsSettings settings(String... args) {
    return ((Host) parse(args).getCommand()).sts.settings();
  }

  private static CommandLine parse(String... args) {
    CommandLine command = new CommandLine(new Host());
    command.parseArgs(args);
    return command;
  }
}
