package io.podium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.oidc.TestKeys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code podium oidc}: its help, and the options it refuses before anything is read or sent. */
class OidcCommandTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... arguments) {
    return PodiumCommand.commandLine()
        .setOut(new PrintWriter(out))
        .setErr(new PrintWriter(err))
        .execute(arguments);
  }

  @ParameterizedTest
  @ValueSource(strings = {"documents", "publish", "sync"})
  void everySubcommandExplainsItsKeySourceAndIssuer(String subcommand) {
    int exit = run("oidc", subcommand, "--help");

    assertThat(exit).isZero();
    assertThat(out.toString())
        .contains("--issuer=URL", "--jwks-uri=URL", "--signing-key-file=FILE", "--kubeconfig");
  }

  @Test
  void publishAndSyncHelpNameTheBucketPolicyAndAudiences() {
    run("oidc", "publish", "--help");
    run("oidc", "sync", "--help");

    assertThat(out.toString())
        .contains("--bucket=BUCKET", "--audience", "--prune", "--bucket-policy", "--retain-keys")
        .contains("never object ACLs", "sts.amazonaws.com")
        .contains("--interval", "--metrics-listen");
  }

  @Test
  void oidcListsItsSubcommands() {
    assertThat(run("oidc")).isZero();
    assertThat(out.toString()).contains("documents", "publish", "sync");
  }

  @Test
  void refusesAnIssuerIamWouldRefuseWithTheReason() throws Exception {
    Path key = Files.writeString(dir.resolve("sa.pub"), TestKeys.publicPem(TestKeys.ec()));

    int exit =
        run(
            "oidc",
            "documents",
            "--issuer",
            "https://oidc.example.com:8443",
            "--signing-key-file",
            key.toString(),
            "--output-dir",
            dir.resolve("out").toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("--issuer").contains("IAM refuses a port");
  }

  @Test
  void keyFilesNeedAnIssuer() throws Exception {
    Path key = Files.writeString(dir.resolve("sa.pub"), TestKeys.publicPem(TestKeys.ec()));

    int exit =
        run("oidc", "documents", "--signing-key-file", key.toString(), "--output-dir", "out");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("--issuer is required with --signing-key-file");
  }

  @Test
  void documentsWritesBothFilesAtTheirUrlPaths() throws Exception {
    Path key = Files.writeString(dir.resolve("sa.pub"), TestKeys.publicPem(TestKeys.rsa()));

    int exit =
        run(
            "oidc",
            "documents",
            "--log-format",
            "text",
            "--issuer",
            "https://oidc.example.com/prod",
            "--signing-key-file",
            key.toString(),
            "--output-dir",
            dir.resolve("out").toString());

    assertThat(exit).as(err.toString()).isZero();
    assertThat(dir.resolve("out/prod/.well-known/openid-configuration")).exists();
    assertThat(Files.readString(dir.resolve("out/prod/openid/v1/jwks"))).contains("RS256");
  }

  @Test
  void publishRefusesABadBucketPolicyModeAndAJwksUriOnAnotherHost() throws Exception {
    Path key = Files.writeString(dir.resolve("sa.pub"), TestKeys.publicPem(TestKeys.ec()));
    String[] common = {
      "oidc",
      "publish",
      "--issuer",
      "https://oidc.example.com",
      "--signing-key-file",
      key.toString(),
      "--bucket",
      "oidc-bucket",
      "--region",
      "eu-west-1"
    };

    int mode = run(concat(common, "--bucket-policy", "acl"));
    int elsewhere = run(concat(common, "--jwks-uri", "https://keys.example.net/jwks"));

    assertThat(mode).isEqualTo(2);
    assertThat(elsewhere).isEqualTo(2);
    assertThat(err.toString())
        .contains("--bucket-policy must be merge, print or none")
        .contains("is not on the issuer's host");
  }

  private static String[] concat(String[] first, String... more) {
    String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }
}
