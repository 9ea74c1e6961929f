package io.podium.imds;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.podium.core.CredentialOutcome;
import io.podium.core.RoleOutcome;
import io.podium.core.broker.Credentials;
import io.podium.core.broker.StsCallException;
import io.podium.core.pod.PodIdentity;
import io.podium.imds.EmbeddedImds.Connection;
import io.podium.imds.EmbeddedImds.Reply;
import io.podium.testing.LogCapture;
import io.podium.testing.TestPods;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The IAM routes: role listing, credentials documents, iam/info, and every outcome's status. */
class CredentialRoutesTest {

  private static final String READER = "arn:aws:iam::123456789012:role/team/reader";
  private static final String WRITER = "arn:aws:iam::210987654321:role/writer";
  private static final String LIST = "/latest/meta-data/iam/security-credentials/";
  private static final String EXTENDED_LIST =
      "/latest/meta-data/iam/security-credentials-extended/";
  private static final String TIMESTAMP = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z";

  @RegisterExtension final LogCapture logs = new LogCapture();

  private final JsonMapper json = JsonMapper.builder().build();
  private final PodIdentity web = TestPods.running("team-a", "web").withIp("10.0.0.5").build();
  private final PodIdentity api = TestPods.running("team-b", "api").withIp("10.0.0.6").build();
  private EmbeddedImds imds;

  @BeforeEach
  void setUp() {
    imds = new EmbeddedImds(MetadataSettings.builder().build());
    imds.callers.permit("10.0.0.5", web, READER).permit("10.0.0.6", api, WRITER);
  }

  @AfterEach
  void noSecretIsLogged() {
    for (String secret : imds.callers.secrets()) {
      assertThat(logs.allOutput()).doesNotContain(secret);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        LIST,
        "/latest/meta-data/iam/security-credentials",
        EXTENDED_LIST,
        "/latest/meta-data/iam/security-credentials-extended"
      })
  void listsTheCallersRoleName(String path) {
    Reply reply = imds.connect("10.0.0.5").get(path);

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body()).isEqualTo("reader");
    assertThat(reply.headers().get("Content-Type")).isEqualTo("text/plain");
    assertThat(reply.headers().get("Server")).isEqualTo("EC2ws");
    assertThat(imds.callers.credentialCalls).hasValue(0);
  }

  @Test
  void servesTheCredentialsDocumentInEc2sFormat() {
    Credentials expected = imds.callers.credentialsOf("10.0.0.5");

    Reply reply = imds.connect("10.0.0.5").get(LIST + "reader");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.headers().getInt("Content-Length")).isEqualTo(reply.body().length());
    JsonNode document = json.readTree(reply.body());
    assertThat(fieldNames(document))
        .containsExactly(
            "Code", "LastUpdated", "Type", "AccessKeyId", "SecretAccessKey", "Token", "Expiration");
    assertThat(document.get("Code").asString()).isEqualTo("Success");
    assertThat(document.get("Type").asString()).isEqualTo("AWS-HMAC");
    assertThat(document.get("AccessKeyId").asString()).isEqualTo(expected.accessKeyId());
    assertThat(document.get("SecretAccessKey").asString()).isEqualTo(expected.secretAccessKey());
    assertThat(document.get("Token").asString()).isEqualTo(expected.sessionToken());
    assertThat(document.get("LastUpdated").asString())
        .matches(TIMESTAMP)
        .isEqualTo("2030-01-02T03:04:05Z");
    assertThat(document.get("Expiration").asString())
        .matches(TIMESTAMP)
        .isEqualTo("2030-01-02T04:04:05Z");
  }

  @Test
  void servesTheExtendedDocumentWithTheRolesAccount() {
    Reply reply = imds.connect("10.0.0.6").get(EXTENDED_LIST + "writer");

    assertThat(reply.status()).isEqualTo(200);
    JsonNode document = json.readTree(reply.body());
    assertThat(fieldNames(document)).endsWith("Expiration", "AccountId");
    assertThat(document.get("AccountId").asString()).isEqualTo("210987654321");
    assertThat(document.get("AccessKeyId").asString())
        .isEqualTo(imds.callers.credentialsOf("10.0.0.6").accessKeyId());
  }

  @Test
  void acceptsATrailingSlashAfterTheRoleName() {
    assertThat(imds.connect("10.0.0.5").get(LIST + "reader/").status()).isEqualTo(200);
  }

  @Test
  void answers404ForAnotherRolesNameAndLogsIt() {
    Reply reply = imds.connect("10.0.0.5").get(LIST + "writer");

    assertThat(reply.status()).isEqualTo(404);
    assertThat(AgentLogs.events(logs))
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getFormattedMessage())
                  .contains("pod team-a/web asked for role 'writer' but its role is reader");
              assertThat(event.getMDCPropertyMap())
                  .containsEntry("pod.namespace", "team-a")
                  .containsEntry("pod.name", "web")
                  .containsEntry("pod.uid", web.uid())
                  .containsEntry("iam.role", READER);
            });
    assertThat(AgentLogs.audit(logs)).isEmpty();
  }

  @Test
  void writesAnAuditRecordWhenACredentialFirstReachesThePod() {
    Connection pod = imds.connect("10.0.0.5");
    Credentials credentials = imds.callers.credentialsOf("10.0.0.5");

    pod.get(LIST);
    pod.get(LIST + "reader");
    pod.get(EXTENDED_LIST + "reader");

    List<ILoggingEvent> audit = AgentLogs.audit(logs);
    assertThat(audit).hasSize(2);
    assertThat(audit.getFirst().getFormattedMessage())
        .contains(credentials.accessKeyId())
        .contains(READER)
        .contains("podium-web")
        .contains("2030-01-02T04:04:05Z")
        .contains("team-a/web")
        .contains(web.uid())
        .contains(TestPods.DEFAULT_NODE)
        .contains("credentials");
    assertThat(audit.getFirst().getMDCPropertyMap())
        .containsEntry("pod.namespace", "team-a")
        .containsEntry("pod.name", "web")
        .containsEntry("pod.uid", web.uid())
        .containsEntry("pod.node", TestPods.DEFAULT_NODE)
        .containsEntry("iam.role", READER)
        .containsEntry("iam.session_name", "podium-web")
        .containsEntry("credentials.access_key_id", credentials.accessKeyId())
        .containsEntry("credentials.expiration", "2030-01-02T04:04:05Z")
        .containsEntry("imds.route", "credentials");
    assertThat(audit.get(1).getMDCPropertyMap())
        .containsEntry("imds.route", "credentials_extended");
    assertThat(audit.getFirst().getLevel()).hasToString("INFO");
  }

  @Test
  void recordsACredentialOncePerPodAndRouteAndCountsTheRepeats() {
    Connection web = imds.connect("10.0.0.5");
    Credentials credentials = imds.callers.credentialsOf("10.0.0.5");

    for (int i = 0; i < 5; i++) {
      web.get(LIST + "reader");
    }

    List<ILoggingEvent> audit = AgentLogs.audit(logs);
    assertThat(audit).hasSize(1);
    assertThat(audit.getFirst().getMDCPropertyMap())
        .containsEntry("credentials.access_key_id", credentials.accessKeyId());
    assertThat(Exposition.text(imds.registry)).contains("podium_audit_repeated_handouts_total 4.0");
  }

  @Test
  void forgedForwardingHeadersChangeNothing() {
    Reply reply =
        imds.connect("10.0.0.5")
            .get(
                LIST + "reader",
                "X-Forwarded-For: 10.0.0.6",
                "X-Real-IP: 10.0.0.6",
                "Forwarded: for=10.0.0.6");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(json.readTree(reply.body()).get("AccessKeyId").asString())
        .isEqualTo(imds.callers.credentialsOf("10.0.0.5").accessKeyId());
    assertThat(
            imds.connect("10.0.0.5")
                .get(LIST, "X-Forwarded-For: 10.0.0.6", "X-Real-IP: 10.0.0.6")
                .body())
        .isEqualTo("reader");
    assertThat(imds.connect("10.0.0.5").get(LIST + "writer", "Forwarded: for=10.0.0.6").status())
        .isEqualTo(404);
  }

  @Test
  void answers404WhenThePodHasNoRole() {
    imds.callers.noRole("10.0.0.7", TestPods.running("team-c", "batch").withIp("10.0.0.7").build());
    Connection pod = imds.connect("10.0.0.7");

    assertThat(pod.get(LIST).status()).isEqualTo(404);
    assertThat(pod.get(LIST + "reader").status()).isEqualTo(404);
    assertThat(pod.get("/latest/meta-data/iam/info").status()).isEqualTo(404);
    assertThat(pod.get("/latest/meta-data/iam/").status()).isEqualTo(404);
  }

  @Test
  void logsAPodWithoutARoleOncePerPod() {
    imds.callers.noRole("10.0.0.7", TestPods.running("team-c", "batch").withIp("10.0.0.7").build());
    Connection pod = imds.connect("10.0.0.7");

    pod.get(LIST);
    pod.get(LIST);
    pod.get("/latest/meta-data/iam/info");

    assertThat(AgentLogs.lines(logs))
        .singleElement()
        .asString()
        .contains("team-c/batch", "10.0.0.7", "has no role: 404", "iam.amazonaws.com/role");
  }

  @Test
  void answers403WithTheReasonWhenRefused() {
    imds.callers.refuse(
        "10.0.0.8",
        RoleOutcome.Refusal.POLICY_DENIED,
        "namespace team-d does not permit role admin",
        TestPods.running("team-d", "job").withIp("10.0.0.8").build());
    Connection pod = imds.connect("10.0.0.8");

    Reply list = pod.get(LIST);
    Reply credentials = pod.get(LIST + "admin");

    assertThat(list.status()).isEqualTo(403);
    assertThat(list.body()).isEqualTo("namespace team-d does not permit role admin");
    assertThat(credentials.status()).isEqualTo(403);
    assertThat(AgentLogs.events(logs))
        .hasSize(2)
        .allSatisfy(
            event -> {
              assertThat(event.getFormattedMessage()).contains("POLICY_DENIED");
              assertThat(event.getMDCPropertyMap()).containsEntry("pod.namespace", "team-d");
            });
  }

  @Test
  void answers403ToTheNodeItself() {
    imds.callers.refuse(
        "10.0.0.1", RoleOutcome.Refusal.HOST_ADDRESS, "the node's own address", null);

    Reply reply = imds.connect("10.0.0.1").get(LIST);

    assertThat(reply.status()).isEqualTo(403);
    assertThat(reply.body()).isEqualTo("the node's own address");
  }

  @Test
  void answers503WhenTheCallerIsNotKnownYet() {
    Reply reply = imds.connect("10.0.0.9").get(LIST + "reader");

    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.body()).contains("no pod known at 10.0.0.9");
  }

  @Test
  void answers403WhenStsDeniesTheRole() {
    imds.callers.stsFails(
        "10.0.0.5",
        new StsCallException.AccessDenied("AccessDenied", "not authorized to assume", null));

    Reply reply = imds.connect("10.0.0.5").get(LIST + "reader");

    assertThat(reply.status()).isEqualTo(403);
    assertThat(reply.body()).contains("AccessDenied").contains(READER);
    assertThat(AgentLogs.events(logs))
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getLevel()).hasToString("WARN");
              assertThat(event.getMDCPropertyMap()).containsEntry("iam.role", READER);
            });
  }

  @Test
  void answers503WhenStsIsThrottling() {
    imds.callers.stsFails(
        "10.0.0.5", new StsCallException.Throttled("Throttling", "rate exceeded", null));

    assertThat(imds.connect("10.0.0.5").get(LIST + "reader").status()).isEqualTo(503);
  }

  @Test
  void answersIamInfoForThePodsRole() {
    Reply reply = imds.connect("10.0.0.5").get("/latest/meta-data/iam/info");

    assertThat(reply.status()).isEqualTo(200);
    JsonNode info = json.readTree(reply.body());
    assertThat(fieldNames(info))
        .containsExactly("Code", "LastUpdated", "InstanceProfileArn", "InstanceProfileId");
    assertThat(info.get("Code").asString()).isEqualTo("Success");
    assertThat(info.get("LastUpdated").asString()).matches(TIMESTAMP);
    assertThat(info.get("InstanceProfileArn").asString())
        .isEqualTo("arn:aws:iam::123456789012:instance-profile/team/reader");
    assertThat(info.get("InstanceProfileId").asString()).matches("AIPA[0-9A-F]{17}");
    String otherId =
        json.readTree(imds.connect("10.0.0.6").get("/latest/meta-data/iam/info/").body())
            .get("InstanceProfileId")
            .asString();
    assertThat(otherId).isNotEqualTo(info.get("InstanceProfileId").asString());
    assertThat(
            json.readTree(imds.connect("10.0.0.5").get("/latest/meta-data/iam/info").body())
                .get("InstanceProfileId")
                .asString())
        .isEqualTo(info.get("InstanceProfileId").asString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/latest/meta-data/iam", "/latest/meta-data/iam/"})
  void listsTheIamTree(String path) {
    Reply reply = imds.connect("10.0.0.5").get(path);

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body()).isEqualTo("info\nsecurity-credentials/");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/latest/meta-data/iam/unknown",
        "/latest/meta-data/iam/security-credentials/reader/extra",
        "/latest/meta-data/iam/info/more"
      })
  void answers404ForUnknownPathsInTheIamTree(String path) {
    Reply reply = imds.connect("10.0.0.5").get(path);

    assertThat(reply.status()).isEqualTo(404);
    assertThat(AgentLogs.lines(logs)).singleElement().asString().contains("with 404");
  }

  @Test
  void waitsForCredentialsThatAreNotReadyYet() {
    CompletableFuture<CredentialOutcome<ImdsDocuments>> held =
        imds.callers.holdNextCredentials("10.0.0.5");
    Connection pod = imds.connect("10.0.0.5");

    assertThat(pod.sendRaw(EmbeddedImds.request("GET", LIST + "reader"))).isEmpty();
    held.complete(imds.callers.outcomeFor("10.0.0.5"));

    assertThat(pod.replies()).singleElement().extracting(Reply::status).isEqualTo(200);
  }

  @Test
  void answersPipelinedRequestsInOrder() {
    CompletableFuture<CredentialOutcome<ImdsDocuments>> held =
        imds.callers.holdNextCredentials("10.0.0.5");
    Connection pod = imds.connect("10.0.0.5");

    List<Reply> early =
        pod.sendRaw(
            EmbeddedImds.request("GET", LIST + "reader") + EmbeddedImds.request("GET", LIST));
    assertThat(early).isEmpty();
    held.complete(imds.callers.outcomeFor("10.0.0.5"));

    List<Reply> replies = new ArrayList<>(pod.replies());
    assertThat(replies).extracting(Reply::status).containsExactly(200, 200);
    assertThat(replies.get(0).body()).contains("AccessKeyId");
    assertThat(replies.get(1).body()).isEqualTo("reader");
  }

  @Test
  void answers503WhenCredentialsTakeLongerThanTheResponseTimeout() {
    CompletableFuture<CredentialOutcome<ImdsDocuments>> held =
        imds.callers.holdNextCredentials("10.0.0.5");
    Connection pod = imds.connect("10.0.0.5");
    assertThat(pod.sendRaw(EmbeddedImds.request("GET", LIST + "reader"))).isEmpty();

    pod.advance(Duration.ofSeconds(5));

    assertThat(pod.replies()).singleElement().extracting(Reply::status).isEqualTo(503);
    held.complete(imds.callers.outcomeFor("10.0.0.5"));
    assertThat(pod.replies()).isEmpty();
    assertThat(AgentLogs.audit(logs)).isEmpty();
    assertThat(pod.get(LIST).status()).isEqualTo(200);
  }

  @Test
  void answers500WhenTheCredentialServiceFails() {
    imds.callers
        .holdNextCredentials("10.0.0.5")
        .completeExceptionally(new IllegalStateException("broken broker"));

    Reply reply = imds.connect("10.0.0.5").get(LIST + "reader");

    assertThat(reply.status()).isEqualTo(500);
    assertThat(AgentLogs.lines(logs)).singleElement().asString().contains("Failed to answer");
  }

  @Test
  void keepsHttp11ConnectionsOpen() {
    Connection pod = imds.connect("10.0.0.5");

    assertThat(pod.get(LIST).status()).isEqualTo(200);
    assertThat(pod.get(LIST + "reader").status()).isEqualTo(200);
    assertThat(pod.isOpen()).isTrue();
  }

  @Test
  void closesTheConnectionWhenAsked() {
    Connection pod = imds.connect("10.0.0.5");

    Reply reply = pod.get(LIST, "Connection: close");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.headers().get("Connection")).isEqualTo("close");
    assertThat(pod.isOpen()).isFalse();
  }

  @Test
  void honoursHttp10KeepAlive() {
    Connection closing = imds.connect("10.0.0.5");
    assertThat(closing.sendRaw("GET " + LIST + " HTTP/1.0\r\n\r\n")).hasSize(1);
    assertThat(closing.isOpen()).isFalse();

    Connection keeping = imds.connect("10.0.0.5");
    List<Reply> replies =
        keeping.sendRaw("GET " + LIST + " HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    assertThat(replies.getFirst().headers().get("Connection")).isEqualToIgnoringCase("keep-alive");
    assertThat(keeping.isOpen()).isTrue();
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.propertyNames().forEach(names::add);
    return names;
  }

  @Test
  void tellsTheCallerTheReasonAndOnlyTheLogTheNamesOfOtherPods() {
    imds.callers.decided(
        "10.0.0.7",
        new RoleOutcome.Unavailable(
            "the caller's address is claimed by 2 pods; refusing to guess",
            "IP is claimed by 2 pods (dev/dup-a, dev/dup-b); refusing to guess"));
    imds.callers.decided(
        "10.0.0.8",
        new RoleOutcome.Refused(
            RoleOutcome.Refusal.HOST_ADDRESS,
            "the caller's address is the node's",
            null,
            "10.0.0.8 is the node's, used by host-network pod kube-system/proxy"));

    Reply ambiguous = imds.connect("10.0.0.7").get(LIST);
    Reply host = imds.connect("10.0.0.8").get(LIST);

    assertThat(ambiguous.status()).isEqualTo(503);
    assertThat(ambiguous.body()).doesNotContain("dup-a").doesNotContain("dup-b");
    assertThat(host.status()).isEqualTo(403);
    assertThat(host.body()).doesNotContain("kube-system").doesNotContain("proxy");
    assertThat(AgentLogs.lines(logs))
        .anySatisfy(line -> assertThat(line).contains("dev/dup-a, dev/dup-b"))
        .anySatisfy(line -> assertThat(line).contains("host-network pod kube-system/proxy"));
  }
}
