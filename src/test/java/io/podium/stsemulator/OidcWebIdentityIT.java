package io.podium.stsemulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jwt.JWTClaimsSet;
import io.podium.cli.PodiumCommand;
import io.podium.oidc.IssuerUrl;
import io.podium.oidc.ServiceAccountTokenMinter;
import io.podium.oidc.TestKeys;
import io.podium.testing.IsolatedProcess;
import io.podium.testing.SystemTools;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityResponse;
import software.amazon.awssdk.services.sts.model.StsException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * IRSA end to end on loopback: {@code podium oidc documents} writes the JWKS of two test keys (RSA
 * and EC), the emulator registers that JWKS for the issuer, and real clients — botocore and the AWS
 * SDK for Java v2 — trade tokens signed with those keys; every refusal comes back with STS's error
 * code as the client parses it.
 */
class OidcWebIdentityIT {

  private static final IssuerUrl ISSUER = IssuerUrl.parse("https://oidc.podium.test/cluster");
  private static final String ROLE = "arn:aws:iam::123456789012:role/team-a-reader";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir static Path dir;

  private static KeyPair rsaKeys;
  private static ServiceAccountTokenMinter rsa;
  private static ServiceAccountTokenMinter ec;
  private static StsEmulator emulator;

  @BeforeAll
  static void publishKeysAndStartEmulator() throws Exception {
    rsaKeys = TestKeys.rsa();
    KeyPair ecKeys = TestKeys.ec();
    rsa = new ServiceAccountTokenMinter(ISSUER, rsaKeys);
    ec = new ServiceAccountTokenMinter(ISSUER, ecKeys);
    Path rsaPem = Files.writeString(dir.resolve("sa-rsa.pub"), TestKeys.publicPem(rsaKeys));
    Path ecPem = Files.writeString(dir.resolve("sa-ec.pub"), TestKeys.publicPem(ecKeys));
    Path out = dir.resolve("issuer");
    StringWriter err = new StringWriter();
    int exit =
        PodiumCommand.commandLine()
            .setOut(new PrintWriter(new StringWriter()))
            .setErr(new PrintWriter(err))
            .execute(
                "oidc",
                "documents",
                "--log-format",
                "text",
                "--issuer",
                ISSUER.toString(),
                "--signing-key-file",
                rsaPem.toString(),
                "--signing-key-file",
                ecPem.toString(),
                "--output-dir",
                out.toString());
    assertThat(exit).as(err.toString()).isZero();

    Path roles =
        Files.writeString(
            dir.resolve("roles.yaml"),
            """
            roles:
              - arn: %s
                trustedPrincipals:
                  - arn:aws:iam::123456789012:oidc-provider/oidc.podium.test/cluster
                conditions:
                  StringEquals:
                    oidc.podium.test/cluster:aud: sts.amazonaws.com
                  StringLike:
                    oidc.podium.test/cluster:sub: system:serviceaccount:team-a:*
            """
                .formatted(ROLE));
    emulator =
        StsEmulator.builder()
            .roles(RolesFile.load(roles))
            .oidcProviders(
                List.of(
                    new OidcProvider(
                        ISSUER.toString(),
                        JwksSource.file(out.resolve("cluster/openid/v1/jwks")),
                        List.of("sts.amazonaws.com"))))
            .build();
    emulator.start(new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  private static String token(ServiceAccountTokenMinter minter) {
    Instant now = Instant.now();
    return minter.mint(
        "team-a",
        "reader",
        List.of("sts.amazonaws.com"),
        now.minusSeconds(5),
        now.plusSeconds(3600));
  }

  private static JWTClaimsSet.Builder claims() {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER.toString())
        .subject("system:serviceaccount:team-a:reader")
        .audience("sts.amazonaws.com")
        .issueTime(Date.from(now.minusSeconds(5)))
        .expirationTime(Date.from(now.plusSeconds(3600)));
  }

  /** Every refusal the emulator makes, each with the token that provokes it. */
  private static Map<String, String> tokens() {
    String good = token(rsa);
    String[] parts = good.split("\\.");
    String otherSignature =
        new ServiceAccountTokenMinter(ISSUER, TestKeys.rsa())
            .mint(claims().build())
            .split("\\.")[2];
    Instant now = Instant.now();
    Map<String, String> tokens = new LinkedHashMap<>();
    tokens.put("rsa", good);
    tokens.put("ec", token(ec));
    tokens.put("bad-signature", parts[0] + "." + parts[1] + "." + otherSignature);
    tokens.put(
        "unknown-kid", new ServiceAccountTokenMinter(ISSUER, TestKeys.ec()).mint(claims().build()));
    tokens.put("wrong-iss", rsa.mint(claims().issuer("https://other.podium.test").build()));
    tokens.put("wrong-aud", rsa.mint(claims().audience("vault").build()));
    tokens.put(
        "expired", rsa.mint(claims().expirationTime(Date.from(now.minusSeconds(60))).build()));
    tokens.put(
        "not-yet-valid",
        rsa.mint(claims().notBeforeTime(Date.from(now.plus(Duration.ofMinutes(10)))).build()));
    tokens.put(
        "sub-mismatch", rsa.mint(claims().subject("system:serviceaccount:team-b:reader").build()));
    return tokens;
  }

  @Test
  void botocoreGetsCredentialsForGoodTokensAndStsErrorCodesForEachRefusal() throws Exception {
    String python = pythonWithBotocore();
    Path tokens = dir.resolve("tokens.json");
    Files.writeString(tokens, JSON.writeValueAsString(tokens()));
    Path script = Path.of(getClass().getResource("/stsemulator/botocore_web_identity.py").toURI());
    Path home = Files.createDirectories(dir.resolve("home"));

    IsolatedProcess.Result result =
        IsolatedProcess.run(
            home,
            Map.of(),
            List.of(
                python,
                script.toString(),
                emulator.endpoint().toString(),
                ROLE,
                tokens.toString()));

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    JsonNode answers = JSON.readTree(result.stdout());
    for (String good : List.of("rsa", "ec")) {
      assertThat(answers.get(good).path("arn").asString())
          .isEqualTo("arn:aws:sts::123456789012:assumed-role/team-a-reader/botocore-" + good);
      assertThat(answers.get(good).path("audience").asString()).isEqualTo("sts.amazonaws.com");
    }
    assertRefused(answers, "bad-signature", "InvalidIdentityToken", 400);
    assertRefused(answers, "unknown-kid", "InvalidIdentityToken", 400);
    assertRefused(answers, "wrong-iss", "InvalidIdentityToken", 400);
    assertRefused(answers, "wrong-aud", "InvalidIdentityToken", 400);
    assertRefused(answers, "expired", "ExpiredTokenException", 400);
    assertRefused(answers, "not-yet-valid", "IDPRejectedClaim", 403);
    assertRefused(answers, "sub-mismatch", "AccessDenied", 403);
  }

  private static void assertRefused(JsonNode answers, String name, String code, int status) {
    assertThat(answers.get(name).path("code").asString()).as(name).isEqualTo(code);
    assertThat(answers.get(name).path("status").asInt()).as(name).isEqualTo(status);
  }

  @Test
  void javaSdkTradesTokensAndParsesRefusals() {
    try (StsClient sts =
        StsClient.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(emulator.endpoint())
            .credentialsProvider(AnonymousCredentialsProvider.create())
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build()) {
      AssumeRoleWithWebIdentityResponse response =
          sts.assumeRoleWithWebIdentity(
              r -> r.roleArn(ROLE).roleSessionName("java").webIdentityToken(token(ec)));
      StsException refused =
          catchThrowableOfType(
              StsException.class,
              () ->
                  sts.assumeRoleWithWebIdentity(
                      r ->
                          r.roleArn(ROLE)
                              .roleSessionName("java")
                              .webIdentityToken(tokens().get("wrong-aud"))));

      assertThat(response.assumedRoleUser().arn())
          .isEqualTo("arn:aws:sts::123456789012:assumed-role/team-a-reader/java");
      assertThat(response.provider())
          .isEqualTo("arn:aws:iam::123456789012:oidc-provider/oidc.podium.test/cluster");
      assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("InvalidIdentityToken");
      assertThat(refused.statusCode()).isEqualTo(400);
    }
  }

  @Test
  void javaSdkWebIdentityTokenFileProviderReadsTheProjectedToken() throws Exception {
    Path tokenFile = Files.writeString(dir.resolve("token"), token(rsa));
    String previous = System.getProperty("aws.endpointUrlSts");
    System.setProperty("aws.endpointUrlSts", emulator.endpoint().toString());
    try (WebIdentityTokenFileCredentialsProvider provider =
        WebIdentityTokenFileCredentialsProvider.builder()
            .roleArn(ROLE)
            .roleSessionName("irsa-pod")
            .webIdentityTokenFile(tokenFile)
            .build()) {
      AwsSessionCredentials credentials = (AwsSessionCredentials) provider.resolveCredentials();

      assertThat(credentials.accessKeyId()).startsWith("ASIA");
      assertThat(emulator.stats().callCount("AssumeRoleWithWebIdentity")).isPositive();
    } finally {
      if (previous == null) {
        System.clearProperty("aws.endpointUrlSts");
      } else {
        System.setProperty("aws.endpointUrlSts", previous);
      }
    }
  }

  private static String pythonWithBotocore() throws Exception {
    return SystemTools.python("botocore");
  }
}
