package io.podium.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.podium.aws.MotoServer;
import io.podium.cli.PodiumCommand;
import io.podium.testing.MutableClock;
import io.podium.testing.SystemTools;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code podium oidc publish}'s pass against moto_server as S3 and IAM: the documents, their bucket
 * policy, anonymous reads, the OIDC provider and its audiences, and a key rotation.
 */
class OidcPublishMotoIT {

  private static final String BUCKET = "podium-oidc-it";
  private static final IssuerUrl ISSUER =
      IssuerUrl.parse("https://" + BUCKET + ".s3.us-east-1.amazonaws.com/prod");
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final StaticCredentialsProvider TEST_CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDMOTOTEST", "moto-secret"));

  private static MotoServer moto;

  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T00:00:00Z"));
  private final AtomicReference<List<JWK>> clusterKeys = new AtomicReference<>();
  private final KeySource source =
      new KeySource() {
        @Override
        public Keys read() {
          return new Keys(clusterKeys.get(), Optional.of(ISSUER.toString()));
        }

        @Override
        public String describe() {
          return "the test's keys";
        }
      };
  private final HttpClient anonymous = HttpClient.newHttpClient();
  private S3Client s3;
  private IamClient iam;

  @BeforeAll
  static void startMoto() throws Exception {
    Path script = Path.of(OidcPublishMotoIT.class.getResource("/oidc/moto_server_oidc.py").toURI());
    moto = MotoServer.start(List.of(SystemTools.python("moto"), script.toString()));
  }

  @AfterAll
  static void stopMoto() {
    moto.close();
  }

  @BeforeEach
  void createBucket() {
    moto.reset();
    s3 = OidcClients.s3(Region.US_EAST_1, Optional.of(moto.endpoint()), TEST_CREDENTIALS);
    iam = OidcClients.iam(Region.US_EAST_1, Optional.of(moto.endpoint()), TEST_CREDENTIALS);
    s3.createBucket(r -> r.bucket(BUCKET));
    clusterKeys.set(List.of(SigningKeys.jwk(TestKeys.rsa().getPublic())));
  }

  @AfterEach
  void closeClients() {
    s3.close();
    iam.close();
  }

  private OidcPublisher publisher(List<String> audiences, boolean prune, S3Client client) {
    return new OidcPublisher(
        source,
        new S3IssuerStore(
            client, new S3IssuerStore.Settings(BUCKET, "aws", S3IssuerStore.PolicyMode.MERGE)),
        Optional.of(new IamOidcProvider(iam)),
        new OidcPublisher.Settings(
            ISSUER, ISSUER.defaultJwksUri(), audiences, prune, Duration.ofDays(2), true),
        clock);
  }

  private OidcPublisher.Pass publish(String... audiences) {
    return publisher(List.of(audiences), false, s3).publishOnce();
  }

  private HttpResponse<String> anonymousGet(String key) throws Exception {
    return anonymous.send(
        HttpRequest.newBuilder(URI.create(moto.endpoint() + "/" + BUCKET + "/" + key)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private List<String> publishedKids() throws Exception {
    return JWKSet.parse(anonymousGet("prod/openid/v1/jwks").body()).getKeys().stream()
        .map(JWK::getKeyID)
        .toList();
  }

  private List<String> audiences(String arn) {
    return iam.getOpenIDConnectProvider(r -> r.openIDConnectProviderArn(arn)).clientIDList();
  }

  @Test
  void publishesBothDocumentsReadableWithoutCredentials() throws Exception {
    OidcPublisher.Pass pass = publish("sts.amazonaws.com");

    HttpResponse<String> discovery = anonymousGet("prod/.well-known/openid-configuration");
    HttpResponse<String> jwks = anonymousGet("prod/openid/v1/jwks");
    JsonNode document = JSON.readTree(discovery.body());

    assertThat(pass.documentsChanged()).isTrue();
    assertThat(discovery.statusCode()).isEqualTo(200);
    assertThat(discovery.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(jwks.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(document.get("issuer").asString()).isEqualTo(ISSUER.toString());
    assertThat(document.get("jwks_uri").asString())
        .isEqualTo("https://podium-oidc-it.s3.us-east-1.amazonaws.com/prod/openid/v1/jwks");
    assertThat(publishedKids()).containsExactly(clusterKeys.get().getFirst().getKeyID());
    assertThat(anonymousGet("prod/" + S3IssuerStore.STATE_NAME).statusCode()).isEqualTo(403);
  }

  @Test
  void withoutTheBucketPolicyNothingIsPubliclyReadable() throws Exception {
    new OidcPublisher(
            source,
            new S3IssuerStore(
                s3, new S3IssuerStore.Settings(BUCKET, "aws", S3IssuerStore.PolicyMode.NONE)),
            Optional.empty(),
            new OidcPublisher.Settings(
                ISSUER, ISSUER.defaultJwksUri(), List.of(), false, Duration.ofDays(2), false),
            clock)
        .publishOnce();

    assertThat(anonymousGet("prod/.well-known/openid-configuration").statusCode()).isEqualTo(403);
    assertThat(iam.listOpenIDConnectProviders().openIDConnectProviderList()).isEmpty();
  }

  @Test
  void bucketPolicyGrantsReadOfTheTwoDocumentsOnlyAndKeepsOtherStatements() {
    s3.putBucketPolicy(
        r ->
            r.bucket(BUCKET)
                .policy(
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Ops\",\"Effect\":"
                        + "\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"},"
                        + "\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::"
                        + BUCKET
                        + "/*\"}]}"));

    OidcPublisher.Pass first = publish("sts.amazonaws.com");
    OidcPublisher.Pass second = publish("sts.amazonaws.com");
    JsonNode policy = JSON.readTree(s3.getBucketPolicy(r -> r.bucket(BUCKET)).policy());

    assertThat(first.policy()).isInstanceOf(PolicyOutcome.Applied.class);
    assertThat(second.policy()).isInstanceOf(PolicyOutcome.AlreadyInPlace.class);
    assertThat(second.documentsChanged()).isFalse();
    assertThat(policy.get("Statement").valueStream().map(s -> s.get("Sid").asString()))
        .containsExactly("Ops", "PodiumOidcPublicReadprod");
    JsonNode ours = policy.get("Statement").get(1);
    assertThat(ours.get("Principal").asString()).isEqualTo("*");
    assertThat(ours.get("Resource").valueStream().map(JsonNode::asString))
        .containsExactly(
            "arn:aws:s3:::podium-oidc-it/prod/.well-known/openid-configuration",
            "arn:aws:s3:::podium-oidc-it/prod/openid/v1/jwks");
    assertThat(s3.getObjectAcl(r -> r.bucket(BUCKET).key("prod/openid/v1/jwks")).grants())
        .noneMatch(grant -> grant.grantee().uri() != null);
  }

  @Test
  void printsThePolicyWhenTheCallerMayNotChangeIt() {
    S3Client denied = new PutBucketPolicyDenied(s3);

    OidcPublisher.Pass pass = publisher(List.of("sts.amazonaws.com"), false, denied).publishOnce();

    assertThat(pass.policy())
        .isInstanceOfSatisfying(
            PolicyOutcome.NeedsSomeoneElse.class,
            needs -> {
              assertThat(needs.reason()).contains("s3:PutBucketPolicy denied");
              assertThat(needs.policy()).contains("PodiumOidcPublicReadprod", "s3:GetObject");
            });
    assertThat(pass.documentsChanged()).isTrue();
  }

  @Test
  void createsTheProviderThenAddsAudiencesAndRemovesOnlyWithPrune() {
    OidcPublisher.Pass created = publish("sts.amazonaws.com");
    String arn = created.provider().orElseThrow().arn();

    OidcPublisher.Pass added = publish("sts.amazonaws.com", "vault");
    OidcPublisher.Pass notPruned = publish("vault");
    List<String> afterNotPruned = audiences(arn);
    OidcPublisher.Pass pruned = publisher(List.of("vault"), true, s3).publishOnce();

    assertThat(arn)
        .isEqualTo(
            "arn:aws:iam::123456789012:oidc-provider/podium-oidc-it.s3.us-east-1.amazonaws.com/prod");
    assertThat(created.provider().orElseThrow().created()).isTrue();
    assertThat(added.provider().orElseThrow().added()).containsExactly("vault");
    assertThat(notPruned.provider().orElseThrow().kept()).containsExactly("sts.amazonaws.com");
    assertThat(afterNotPruned).containsExactlyInAnyOrder("sts.amazonaws.com", "vault");
    assertThat(pruned.provider().orElseThrow().removed()).containsExactly("sts.amazonaws.com");
    assertThat(audiences(arn)).containsExactly("vault");
    assertThat(iam.listOpenIDConnectProviders().openIDConnectProviderList()).hasSize(1);
  }

  @Test
  void rotationKeepsTheOldKeyForTheGracePeriod() throws Exception {
    JWK old = clusterKeys.get().getFirst();
    JWK next = SigningKeys.jwk(TestKeys.ec().getPublic());
    publish("sts.amazonaws.com");

    clock.advance(Duration.ofMinutes(5));
    clusterKeys.set(List.of(next));
    OidcPublisher.Pass rotated = publish("sts.amazonaws.com");
    List<String> duringGrace = publishedKids();

    clock.advance(Duration.ofDays(2));
    OidcPublisher.Pass afterGrace = publish("sts.amazonaws.com");

    assertThat(rotated.retired()).containsExactly(old.getKeyID());
    assertThat(duringGrace).containsExactly(next.getKeyID(), old.getKeyID());
    assertThat(afterGrace.dropped()).containsExactly(old.getKeyID());
    assertThat(publishedKids()).containsExactly(next.getKeyID());
    assertThat(
            JSON.readTree(anonymousGet("prod/.well-known/openid-configuration").body())
                .get("id_token_signing_alg_values_supported")
                .valueStream()
                .map(JsonNode::asString))
        .containsExactly("ES256");
    assertThat(s3.getObjectAsBytes(r -> r.bucket(BUCKET).key("prod/" + S3IssuerStore.STATE_NAME)))
        .isNotNull();
  }

  @Test
  void thePublishCommandPublishesWithTheDefaultCredentialChain() throws Exception {
    Path key = Files.writeString(dir.resolve("sa.pub"), TestKeys.publicPem(TestKeys.ec()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    // The default chain's first source: JVM system properties (the test JVM has no AWS_* keys).
    System.setProperty("aws.accessKeyId", "AKIDMOTOTEST");
    System.setProperty("aws.secretAccessKey", "moto-secret");
    int exit;
    try {
      exit =
          PodiumCommand.commandLine()
              .setOut(new PrintWriter(out))
              .setErr(new PrintWriter(err))
              .execute(
                  "oidc",
                  "publish",
                  "--log-format",
                  "text",
                  "--issuer",
                  ISSUER.toString(),
                  "--signing-key-file",
                  key.toString(),
                  "--bucket",
                  BUCKET,
                  "--region",
                  "us-east-1",
                  "--s3-endpoint",
                  moto.endpoint().toString(),
                  "--iam-endpoint",
                  moto.endpoint().toString());
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }

    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("documents written")
        .contains("IAM OIDC provider arn:aws:iam::123456789012:oidc-provider/")
        .contains("Bucket policy updated");
    assertThat(anonymousGet("prod/openid/v1/jwks").body()).contains("ES256");
  }

  /** moto lets everyone do everything: this S3 client refuses PutBucketPolicy as AWS would. */
  private static final class PutBucketPolicyDenied implements S3Client {
    private final S3Client delegate;

    PutBucketPolicyDenied(S3Client delegate) {
      this.delegate = delegate;
    }

    @Override
    public software.amazon.awssdk.services.s3.model.PutBucketPolicyResponse putBucketPolicy(
        software.amazon.awssdk.services.s3.model.PutBucketPolicyRequest request) {
      throw (S3Exception)
          S3Exception.builder()
              .statusCode(403)
              .awsErrorDetails(
                  AwsErrorDetails.builder()
                      .errorCode("AccessDenied")
                      .errorMessage("Access Denied")
                      .build())
              .build();
    }

    @Override
    public software.amazon.awssdk.services.s3.model.GetBucketPolicyResponse getBucketPolicy(
        software.amazon.awssdk.services.s3.model.GetBucketPolicyRequest request) {
      return delegate.getBucketPolicy(request);
    }

    @Override
    public software.amazon.awssdk.services.s3.model.GetPublicAccessBlockResponse
        getPublicAccessBlock(
            software.amazon.awssdk.services.s3.model.GetPublicAccessBlockRequest request) {
      return delegate.getPublicAccessBlock(request);
    }

    @Override
    public <T> T getObject(
        software.amazon.awssdk.services.s3.model.GetObjectRequest request,
        software.amazon.awssdk.core.sync.ResponseTransformer<
                software.amazon.awssdk.services.s3.model.GetObjectResponse, T>
            transformer) {
      return delegate.getObject(request, transformer);
    }

    @Override
    public software.amazon.awssdk.services.s3.model.PutObjectResponse putObject(
        software.amazon.awssdk.services.s3.model.PutObjectRequest request,
        software.amazon.awssdk.core.sync.RequestBody body) {
      return delegate.putObject(request, body);
    }

    @Override
    public String serviceName() {
      return delegate.serviceName();
    }

    @Override
    public void close() {}
  }
}
