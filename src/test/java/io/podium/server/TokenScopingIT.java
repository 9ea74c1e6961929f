package io.podium.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.podium.agent.TokenFileCredentials;
import io.podium.kubernetes.TokenReviewAgentTokens;
import io.podium.testing.TestCertificates;
import io.podium.testing.TestPods;
import io.podium.tls.ReloadingTls;
import io.podium.wire.ErrorDetails;
import io.podium.wire.v1.ErrorReason;
import io.podium.wire.v1.NodeCredentialsGrpc;
import io.podium.wire.v1.WatchEvent;
import io.podium.wire.v1.WatchRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node scoping in a cluster: the agent's node comes from its service-account token, as a
 * TokenReview (scripted on the fabric8 mock API server) and the token's pod say, whatever client
 * certificate it shares with the other agents. Every agent here presents node-a's certificate.
 */
class TokenScopingIT {

  @TempDir Path dir;

  private final KubernetesSerialization json = new KubernetesSerialization();
  private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
  private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
  private KubernetesMockServer kubernetes;
  private KubernetesClient client;
  private InProcessAgentApi api;
  private ReloadingTls serverTls;
  private ReloadingTls agentTls;
  private AgentApiServer server;
  private ManagedChannel channel;
  private TestCertificates certs;

  @BeforeEach
  void start() throws Exception {
    kubernetes = new KubernetesMockServer(false);
    kubernetes.init(InetAddress.getLoopbackAddress(), 0);
    client = kubernetes.createClient();
    kubernetes
        .expect()
        .post()
        .withPath("/apis/authentication.k8s.io/v1/tokenreviews")
        .andReply(
            200, request -> review(json.unmarshal(request.getBody().readUtf8(), TokenReview.class)))
        .always();
    for (String node : List.of("node-a", "node-b")) {
      String name = "agent-" + node.substring(5);
      kubernetes
          .expect()
          .get()
          .withPath("/api/v1/namespaces/podium/pods/" + name)
          .andReturn(200, agentPod(name, node))
          .always();
    }
    certs = TestCertificates.copyTo(dir);
    api = new InProcessAgentApi();
    api.permit("shop", "shop-.*");
    api.add(
        TestPods.running("shop", "web")
            .onNode("node-a")
            .withIp("10.0.1.5")
            .withRole("shop-web")
            .build());
    api.add(
        TestPods.running("shop", "db")
            .onNode("node-b")
            .withIp("10.0.2.7")
            .withRole("shop-db")
            .build());
    serverTls =
        ReloadingTls.load(certs.server(), ReloadingTls.Side.SERVER, Duration.ofSeconds(30), timers);
    server =
        new AgentApiServer(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                null,
                serverTls.serverCredentials(),
                api.service,
                new TokenNodeAuthenticator(
                    new TokenReviewAgentTokens(
                        client,
                        "podium",
                        Set.of("podium:podium-agent"),
                        Duration.ofSeconds(30),
                        Clock.systemUTC())),
                calls)
            .start();
    agentTls =
        ReloadingTls.load(
            certs.agent("node-a"), ReloadingTls.Side.AGENT, Duration.ofSeconds(30), timers);
    channel =
        NettyChannelBuilder.forAddress(server.address(), agentTls.channelCredentials())
            .overrideAuthority("localhost:" + server.address().getPort())
            .build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.close();
    agentTls.close();
    serverTls.close();
    api.close();
    client.close();
    kubernetes.destroy();
    timers.shutdownNow();
    calls.shutdownNow();
  }

  /** The API server's scripted answers, by token. */
  private static TokenReview review(TokenReview asked) {
    String token = asked.getSpec().getToken();
    List<String> audiences = asked.getSpec().getAudiences();
    TokenReviewBuilder answer = new TokenReviewBuilder(asked);
    return switch (token) {
      case "token-agent-a" ->
          authenticated(answer, audiences, "podium-agent", "agent-a", "uid-agent-a");
      case "token-agent-b" ->
          authenticated(answer, audiences, "podium-agent", "agent-b", "uid-agent-b");
      case "token-agent-gone" ->
          authenticated(answer, audiences, "podium-agent", "agent-gone", "uid-agent-gone");
      case "token-other-audience" ->
          authenticated(
              answer,
              List.of("https://kubernetes.default.svc"),
              "podium-agent",
              "agent-a",
              "uid-agent-a");
      case "token-web-pod" -> authenticated(answer, audiences, "default", "web", "uid-web");
      default ->
          answer
              .withNewStatus()
              .withAuthenticated(false)
              .withError("invalid bearer token")
              .endStatus()
              .build();
    };
  }

  private static TokenReview authenticated(
      TokenReviewBuilder answer,
      List<String> audiences,
      String serviceAccount,
      String pod,
      String uid) {
    return answer
        .withNewStatus()
        .withAuthenticated(true)
        .withAudiences(audiences)
        .withNewUser()
        .withUsername("system:serviceaccount:podium:" + serviceAccount)
        .withExtra(
            Map.of(
                "authentication.kubernetes.io/pod-name", List.of(pod),
                "authentication.kubernetes.io/pod-uid", List.of(uid)))
        .endUser()
        .endStatus()
        .build();
  }

  private static Pod agentPod(String name, String node) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("podium")
        .withUid("uid-" + name)
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .endSpec()
        .build();
  }

  private RecordingObserver<WatchEvent> watch(String token, String claimedNode) {
    Metadata headers = new Metadata();
    if (token != null) {
      headers.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    }
    RecordingObserver<WatchEvent> events = new RecordingObserver<>();
    NodeCredentialsGrpc.newStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .watch(WatchRequest.newBuilder().setNode(claimedNode).build(), events);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                events.error.get() != null
                    || (!events.received.isEmpty() && events.received.getLast().hasSynced()));
    return events;
  }

  private static void assertUnauthenticated(RecordingObserver<WatchEvent> events) {
    assertThat(events.received).isEmpty();
    assertThat(Status.fromThrowable(events.error.get()).getCode())
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(ErrorDetails.reason(events.error.get()))
        .isEqualTo(ErrorReason.ERROR_REASON_UNAUTHENTICATED);
  }

  @Test
  void theTokensPodDecidesTheNodeWhateverTheCertificate() {
    RecordingObserver<WatchEvent> events = watch("token-agent-b", "node-b");

    assertThat(events.error.get()).isNull();
    assertThat(events.received.getFirst().getHello().getNode()).isEqualTo("node-b");
    assertThat(events.received.stream().filter(WatchEvent::hasPod).map(e -> e.getPod().getName()))
        .containsExactly("db");
  }

  @Test
  void refusesATokenOfAPodOnAnotherNode() {
    RecordingObserver<WatchEvent> events = watch("token-agent-b", "node-a");

    assertThat(events.received).isEmpty();
    assertThat(Status.fromThrowable(events.error.get()).getCode())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(ErrorDetails.reason(events.error.get()))
        .isEqualTo(ErrorReason.ERROR_REASON_OTHER_NODE);
  }

  @Test
  void refusesATokenTheApiServerDoesNotAuthenticate() {
    assertUnauthenticated(watch("token-forged", "node-a"));
  }

  @Test
  void refusesATokenForAnotherAudience() {
    assertUnauthenticated(watch("token-other-audience", "node-a"));
  }

  @Test
  void refusesTheTokenOfADeletedAgentPod() {
    assertUnauthenticated(watch("token-agent-gone", "node-a"));
  }

  @Test
  void refusesAServiceAccountThatIsNotAnAgents() {
    assertUnauthenticated(watch("token-web-pod", "node-a"));
  }

  @Test
  void refusesACallWithoutAToken() {
    assertUnauthenticated(watch(null, "node-a"));
  }

  @Test
  void theAgentSendsItsTokenFileOnEveryCall() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "token-agent-a\n");
    RecordingObserver<WatchEvent> events = new RecordingObserver<>();
    NodeCredentialsGrpc.newStub(channel)
        .withCallCredentials(new TokenFileCredentials(token))
        .watch(WatchRequest.newBuilder().setNode("node-a").build(), events);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !events.received.isEmpty() && events.received.getLast().hasSynced());
    assertThat(events.received.stream().filter(WatchEvent::hasPod).map(e -> e.getPod().getName()))
        .containsExactly("web");
  }
}
