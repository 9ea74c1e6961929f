package io.podium.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.podium.core.RoleOutcome;
import io.podium.core.broker.IssuedCredentials;
import io.podium.core.pod.PodIdentity;
import io.podium.core.session.SessionRequest;
import io.podium.testing.FakeIssuer;
import io.podium.testing.TestPods;
import io.podium.wire.ErrorDetails;
import io.podium.wire.WireCodec;
import io.podium.wire.v1.Capability;
import io.podium.wire.v1.ErrorReason;
import io.podium.wire.v1.LookupRequest;
import io.podium.wire.v1.LookupResponse;
import io.podium.wire.v1.NodeCredentialsGrpc;
import io.podium.wire.v1.NodeReport;
import io.podium.wire.v1.NodeReportAck;
import io.podium.wire.v1.RuleState;
import io.podium.wire.v1.TaintOutcome;
import io.podium.wire.v1.Verdict;
import io.podium.wire.v1.WatchEvent;
import io.podium.wire.v1.WatchRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NodeCredentialsServiceTest {

  private final InProcessAgentApi api = new InProcessAgentApi();

  private final PodIdentity webOnA =
      TestPods.running("shop", "web")
          .onNode("node-a")
          .withIp("10.0.1.5")
          .withRole("shop-web")
          .build();
  private final PodIdentity dbOnB =
      TestPods.running("shop", "db")
          .onNode("node-b")
          .withIp("10.0.2.7")
          .withRole("shop-db")
          .build();

  NodeCredentialsServiceTest() throws IOException {}

  @AfterEach
  void close() {
    api.close();
  }

  private RecordingObserver<WatchEvent> watch(String node) {
    RecordingObserver<WatchEvent> events = new RecordingObserver<>();
    api.agent(node).watch(WatchRequest.newBuilder().setNode(node).build(), events);
    return events;
  }

  private static List<String> podNames(RecordingObserver<WatchEvent> events) {
    return events.received.stream()
        .filter(WatchEvent::hasPod)
        .map(e -> e.getPod().getNamespace() + "/" + e.getPod().getName())
        .toList();
  }

  private static List<String> accessKeys(RecordingObserver<WatchEvent> events) {
    return events.received.stream()
        .filter(WatchEvent::hasCredentials)
        .map(e -> e.getCredentials().getAccessKeyId())
        .toList();
  }

  @Test
  void streamsHelloThenTheNodesPodsAndCredentialsThenSyncComplete() {
    api.permit("shop", "shop-.*");
    api.add(webOnA);

    RecordingObserver<WatchEvent> events = watch("node-a");

    assertThat(events.received)
        .extracting(WatchEvent::getEventCase)
        .containsExactly(
            WatchEvent.EventCase.HELLO,
            WatchEvent.EventCase.POD,
            WatchEvent.EventCase.CREDENTIALS,
            WatchEvent.EventCase.SYNCED);
    WatchEvent hello = events.received.getFirst();
    assertThat(hello.getHello().getNode()).isEqualTo("node-a");
    assertThat(hello.getHello().getServer().getProtocol()).isEqualTo(WireCodec.PROTOCOL);
    assertThat(hello.getHello().getMinRemainingSeconds()).isEqualTo(20 * 60);
    var pod = events.received.get(1).getPod();
    assertThat(pod.getDecision().getVerdict()).isEqualTo(Verdict.VERDICT_PERMITTED);
    assertThat(pod.getDecision().getRoleArn()).isEqualTo("arn:aws:iam::123456789012:role/shop-web");
    assertThat(events.received.get(2).getCredentials().getSessionKey())
        .isEqualTo(pod.getDecision().getSession().getKey());
  }

  @Test
  void sendsTheSigningKeysBeforeTheSnapshotAndAgainWhenTheyChange() {
    api.permit("shop", "shop-.*");
    api.add(webOnA);
    api.hub.serviceAccountKeys("{\"keys\":[]}", List.of("https://issuer-1"));

    RecordingObserver<WatchEvent> events = watch("node-a");
    api.hub.serviceAccountKeys("{\"keys\":[]}", List.of("https://issuer-2"));

    assertThat(events.received)
        .extracting(WatchEvent::getEventCase)
        .containsExactly(
            WatchEvent.EventCase.HELLO,
            WatchEvent.EventCase.SERVICE_ACCOUNT_KEYS,
            WatchEvent.EventCase.POD,
            WatchEvent.EventCase.CREDENTIALS,
            WatchEvent.EventCase.SYNCED,
            WatchEvent.EventCase.SERVICE_ACCOUNT_KEYS);
    assertThat(events.received.getFirst().getHello().getServer().getCapabilitiesList())
        .contains(io.podium.wire.v1.Capability.CAPABILITY_SERVICE_ACCOUNT_KEYS);
    assertThat(events.received.getLast().getServiceAccountKeys().getIssuersList())
        .containsExactly("https://issuer-2");
  }

  @Test
  void anAgentNeverReceivesAnotherNodesPodsOrCredentials() {
    api.permit("shop", "shop-.*");
    api.add(webOnA);
    RecordingObserver<WatchEvent> nodeA = watch("node-a");

    api.add(dbOnB);
    PodIdentity laterOnA =
        TestPods.running("shop", "cart")
            .onNode("node-a")
            .withIp("10.0.1.9")
            .withRole("shop-web")
            .build();
    api.add(laterOnA);

    assertThat(podNames(nodeA)).containsExactly("shop/web", "shop/cart");
    assertThat(nodeA.received.toString()).doesNotContain("shop-db").doesNotContain("10.0.2.7");
    RecordingObserver<WatchEvent> nodeB = watch("node-b");
    assertThat(podNames(nodeB)).containsExactly("shop/db");
    assertThat(accessKeys(nodeB)).doesNotContainAnyElementsOf(accessKeys(nodeA));
  }

  @Test
  void aRefreshReachesExactlyTheNodesThatRunAPodOfItsSessionAsPodsComeChangeAndGo() {
    api.permit("shop", "shop-.*");
    PodIdentity cartOnA = shared("cart-1", "node-a", "10.0.1.11", "shop-cart");
    PodIdentity cartOnB = shared("cart-2", "node-b", "10.0.2.11", "shop-cart");
    PodIdentity otherOnC = shared("other", "node-c", "10.0.3.11", "shop-other");
    api.add(cartOnA);
    api.add(cartOnB);
    api.add(otherOnC);
    var cart = permitted(cartOnA);
    var other = permitted(otherOnC);
    RecordingObserver<WatchEvent> nodeA = watch("node-a");
    RecordingObserver<WatchEvent> nodeB = watch("node-b");
    RecordingObserver<WatchEvent> nodeC = watch("node-c");
    List<RecordingObserver<WatchEvent>> agents = List.of(nodeA, nodeB, nodeC);

    assertThat(refresh(cart, agents)).containsExactly(true, true, false);

    api.remove(cartOnB);
    assertThat(refresh(cart, agents)).containsExactly(true, false, false);

    // The pod on node-a changes role: its node now uses the other session, not this one.
    PodIdentity otherOnA = shared("cart-1", "node-a", "10.0.1.11", "shop-other");
    api.add(otherOnA);
    assertThat(refresh(cart, agents)).containsExactly(false, false, false);
    assertThat(refresh(other, agents)).containsExactly(true, false, true);

    // Scheduled later: a pod with no node yet, then placed on node-b.
    PodIdentity pending =
        TestPods.pending("shop", "cart-3")
            .onNode(null)
            .withRole("shop-cart")
            .withSessionName("shop-cart")
            .withUid("uid-cart-3")
            .build();
    api.add(pending);
    assertThat(refresh(cart, agents)).containsExactly(false, false, false);
    api.add(shared("cart-3", "node-b", "10.0.2.12", "shop-cart"));
    assertThat(refresh(cart, agents)).containsExactly(false, true, false);

    api.remove(otherOnA);
    assertThat(refresh(other, agents)).containsExactly(false, false, true);
  }

  /** A running pod whose session is shared with every pod of the same role. */
  private static PodIdentity shared(String name, String node, String ip, String role) {
    return TestPods.running("shop", name)
        .onNode(node)
        .withIp(ip)
        .withRole(role)
        .withSessionName(role)
        .withUid("uid-" + name)
        .build();
  }

  private SessionRequest permitted(PodIdentity pod) {
    return ((RoleOutcome.Permitted) api.hub.decide(pod)).request();
  }

  /** Refreshes {@code session} and says which of {@code agents} received the new credentials. */
  private List<Boolean> refresh(
      SessionRequest session, List<RecordingObserver<WatchEvent>> agents) {
    api.clock.advance(Duration.ofMinutes(1));
    IssuedCredentials issued = api.issuer.issue(session);
    api.renderer.render(session, issued, api.clock.instant());
    String key = issued.credentials().accessKeyId();
    return agents.stream().map(agent -> accessKeys(agent).contains(key)).toList();
  }

  @Test
  void refusesALookupOfAnotherNodesPodWithPermissionDeniedAndItsReason() {
    api.permit("shop", "shop-.*");
    api.add(dbOnB);

    assertThatThrownBy(
            () ->
                api.blockingAgent("node-a")
                    .lookup(
                        LookupRequest.newBuilder()
                            .setIp(WireCodec.encode(TestPods.ip("10.0.2.7")))
                            .setWantCredentials(true)
                            .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
              assertThat(ErrorDetails.reason(e)).isEqualTo(ErrorReason.ERROR_REASON_OTHER_NODE);
              assertThat(ErrorDetails.detail(e).orElseThrow().getNode()).isEqualTo("node-a");
              assertThat(e.getTrailers().toString()).doesNotContain("ASIA");
            });
  }

  @Test
  void refusesAWatchClaimingAnotherNode() {
    RecordingObserver<WatchEvent> events = new RecordingObserver<>();
    api.agent("node-a").watch(WatchRequest.newBuilder().setNode("node-b").build(), events);

    assertThat(events.received).isEmpty();
    assertThat(Status.fromThrowable(events.error.get()).getCode())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(ErrorDetails.reason(events.error.get()))
        .isEqualTo(ErrorReason.ERROR_REASON_OTHER_NODE);
  }

  @Test
  void looksUpAnOwnPodWithCredentials() {
    api.permit("shop", "shop-.*");
    api.add(webOnA);

    LookupResponse response =
        api.blockingAgent("node-a")
            .lookup(
                LookupRequest.newBuilder()
                    .setIp(WireCodec.encode(TestPods.ip("10.0.1.5")))
                    .setWantCredentials(true)
                    .build());

    assertThat(response.getPod().getUid()).isEqualTo(webOnA.uid());
    assertThat(response.getCredentials().getAccessKeyId()).startsWith("ASIAFAKE");
    assertThat(api.issuer.calls()).isEqualTo(1);
  }

  @Test
  void answersAnUnknownIpWithNotFoundAndAMalformedOneWithInvalidArgument() {
    var agent = api.blockingAgent("node-a");
    assertThatThrownBy(
            () ->
                agent.lookup(
                    LookupRequest.newBuilder()
                        .setIp(WireCodec.encode(TestPods.ip("10.9.9.9")))
                        .build()))
        .satisfies(
            e ->
                assertThat(ErrorDetails.reason(e))
                    .isEqualTo(ErrorReason.ERROR_REASON_POD_NOT_FOUND));
    assertThatThrownBy(
            () ->
                agent.lookup(
                    LookupRequest.newBuilder().setIp(ByteString.copyFrom(new byte[3])).build()))
        .satisfies(
            e -> {
              assertThat(ErrorDetails.code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(ErrorDetails.reason(e))
                  .isEqualTo(ErrorReason.ERROR_REASON_INVALID_REQUEST);
            });
  }

  @Test
  void reportsAFinalStsRefusalAsStsDeniedWithStsCode() {
    api.permit("shop", "shop-.*");
    api.issuer.failWith(FakeIssuer::accessDenied);
    api.add(webOnA);

    assertThatThrownBy(
            () ->
                api.blockingAgent("node-a")
                    .lookup(
                        LookupRequest.newBuilder()
                            .setIp(WireCodec.encode(TestPods.ip("10.0.1.5")))
                            .setWantCredentials(true)
                            .build()))
        .satisfies(
            e -> {
              assertThat(ErrorDetails.code(e)).isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(ErrorDetails.reason(e)).isEqualTo(ErrorReason.ERROR_REASON_STS_DENIED);
              assertThat(ErrorDetails.detail(e).orElseThrow().getStsErrorCode())
                  .isEqualTo("AccessDenied");
            });
    // Its owner hears of it where they look (in a cluster: an Event on the pod).
    assertThat(api.problems.reported)
        .containsExactly("shop/web: sts arn:aws:iam::123456789012:role/shop-web AccessDenied");
  }

  @Test
  void aPodAnnouncedAgainUnchangedSendsNothingAndAChangedOneIsSentAsItIsNow() {
    api.permit("shop", "shop-.*");
    api.add(webOnA);
    RecordingObserver<WatchEvent> events = watch("node-a");
    int subscribed = events.received.size();

    // An equal but distinct record (a resync): the agent already has it.
    api.add(
        TestPods.running("shop", "web")
            .onNode("node-a")
            .withIp("10.0.1.5")
            .withRole("shop-web")
            .build());
    assertThat(events.received).hasSize(subscribed);

    PodIdentity admin =
        TestPods.running("shop", "web")
            .onNode("node-a")
            .withIp("10.0.1.5")
            .withRole("shop-admin")
            .build();
    assertThat(admin.uid()).isEqualTo(webOnA.uid());
    api.add(admin);

    List<WatchEvent> after = events.received.subList(subscribed, events.received.size());
    assertThat(after)
        .extracting(WatchEvent::getEventCase)
        .containsExactly(WatchEvent.EventCase.POD, WatchEvent.EventCase.CREDENTIALS);
    var changed = after.getFirst().getPod();
    assertThat(changed.getUid()).isEqualTo(webOnA.uid());
    assertThat(changed.getDecision().getRoleArn())
        .isEqualTo("arn:aws:iam::123456789012:role/shop-admin");
    assertThat(after.getLast().getCredentials().getSessionKey())
        .isEqualTo(changed.getDecision().getSession().getKey());
    // A later subscriber hears the pod as it is now, not as it was first sent.
    RecordingObserver<WatchEvent> later = watch("node-a");
    assertThat(later.received.stream().filter(WatchEvent::hasPod).map(WatchEvent::getPod))
        .containsExactly(changed);
  }

  @Test
  void pushesRefreshedCredentialsToTheStream() {
    api.permit("shop", "shop-.*");
    api.add(webOnA);
    RecordingObserver<WatchEvent> events = watch("node-a");
    String first = accessKeys(events).getFirst();

    // Refreshes fall between 70% and 85% of the 40 minutes a credential may be served.
    api.scheduler.advance(Duration.ofMinutes(35));

    assertThat(accessKeys(events)).hasSize(2).first().isEqualTo(first);
    assertThat(accessKeys(events).getLast()).isNotEqualTo(first);
  }

  @Test
  void tellsTheAgentWhenAPodGoesAndWhenItsNamespaceStopsPermittingIt() {
    api.permit("shop", "shop-.*");
    api.add(webOnA);
    RecordingObserver<WatchEvent> events = watch("node-a");

    api.permit("shop", "other-.*");
    api.remove(webOnA);

    List<WatchEvent> after = events.received.subList(4, events.received.size());
    assertThat(after)
        .extracting(WatchEvent::getEventCase)
        .containsExactly(WatchEvent.EventCase.POD, WatchEvent.EventCase.POD_REMOVED);
    assertThat(after.getFirst().getPod().getDecision().getVerdict())
        .isEqualTo(Verdict.VERDICT_REFUSED);
    assertThat(after.getLast().getPodRemoved().getUid()).isEqualTo(webOnA.uid());
  }

  @Test
  void aPodScheduledAfterItAppearedReachesItsNodeOnlyThenAndLeavesNothingBehind() {
    api.permit("shop", "shop-.*");
    RecordingObserver<WatchEvent> events = watch("node-a");
    int subscribed = events.received.size();
    PodIdentity unscheduled =
        TestPods.pending("shop", "web").onNode(null).withoutIp().withRole("shop-web").build();
    api.add(unscheduled);
    assertThat(events.received).hasSize(subscribed);

    PodIdentity scheduled = webOnA;
    assertThat(scheduled.uid()).isEqualTo(unscheduled.uid());
    api.add(scheduled);
    List<WatchEvent> after = events.received.subList(subscribed, events.received.size());
    assertThat(after)
        .extracting(WatchEvent::getEventCase)
        .containsExactly(WatchEvent.EventCase.POD, WatchEvent.EventCase.CREDENTIALS);
    assertThat(after.getFirst().getPod().getNode()).isEqualTo("node-a");
    var credentials = after.getLast().getCredentials();

    api.remove(scheduled);
    assertThat(events.received.getLast().getPodRemoved().getUid()).isEqualTo(scheduled.uid());
    // Neither the scheduled pod nor the record of it without a node is left: a later agent hears
    // no pod, and a refresh of the session goes nowhere.
    RecordingObserver<WatchEvent> later = watch("node-a");
    assertThat(podNames(later)).isEmpty();
    int before = events.received.size();
    var permitted = (RoleOutcome.Permitted) api.hub.decide(scheduled);
    api.hub.credentialsIssued(permitted.request(), credentials);
    assertThat(events.received).hasSize(before);
  }

  @Test
  void manyPodsWithoutANodeAndOnOneNodeAreEachStreamedOnceAndForgottenWhenGone() {
    api.permit("shop", "shop-.*");
    RecordingObserver<WatchEvent> events = watch("node-a");
    List<PodIdentity> scheduled = new ArrayList<>();
    // More than a node's list holds before the hub files them by uid in a map: 300 pending pods
    // without a node, then all of them on node-a.
    for (int i = 0; i < 300; i++) {
      api.add(TestPods.pending("shop", "batch-" + i).onNode(null).withoutIp().build());
    }
    for (int i = 0; i < 300; i++) {
      PodIdentity pod =
          TestPods.running("shop", "batch-" + i)
              .onNode("node-a")
              .withIp("10.0." + (i / 200 + 10) + "." + (i % 200 + 1))
              .build();
      scheduled.add(pod);
      api.add(pod);
    }
    assertThat(podNames(events)).hasSize(300).doesNotHaveDuplicates();
    assertThat(podNames(watch("node-a"))).hasSize(300);

    scheduled.forEach(api::remove);
    assertThat(events.received.stream().filter(WatchEvent::hasPodRemoved).count()).isEqualTo(300);
    assertThat(podNames(watch("node-a"))).isEmpty();
  }

  @Test
  void refusesCallsWithUnavailableUntilThePodSourceHasSynced() {
    api.ready.set(false);

    RecordingObserver<WatchEvent> events = watch("node-a");

    assertThat(ErrorDetails.code(events.error.get())).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(ErrorDetails.reason(events.error.get()))
        .isEqualTo(ErrorReason.ERROR_REASON_NOT_READY);
  }

  @Test
  void endsEveryStreamWithShuttingDownWhenTheReplicaStops() {
    RecordingObserver<WatchEvent> events = watch("node-a");

    api.service.stop();

    assertThat(ErrorDetails.reason(events.error.get()))
        .isEqualTo(ErrorReason.ERROR_REASON_SHUTTING_DOWN);
    assertThat(api.hub.streamCount()).isZero();
  }

  private NodeReportAck report(String node, RuleState rule, boolean serving) {
    return api.blockingAgent(node)
        .reportNode(NodeReport.newBuilder().setRule(rule).setServing(serving).build());
  }

  @Test
  void removesTheStartupTaintOfTheReportingAgentsOwnNodeOnceItsRuleIsInPlaceAndItServes() {
    assertThat(watch("node-a").received.getFirst().getHello().getServer().getCapabilitiesList())
        .contains(Capability.CAPABILITY_NODE_REPORTS);

    assertThat(report("node-a", RuleState.RULE_STATE_IN_PLACE, true).getTaint())
        .isEqualTo(TaintOutcome.TAINT_OUTCOME_REMOVED);
    assertThat(report("node-a", RuleState.RULE_STATE_IN_PLACE, true).getTaint())
        .isEqualTo(TaintOutcome.TAINT_OUTCOME_ABSENT);
    // The node the server authenticated, never another: node-b's taint is untouched.
    assertThat(api.taint.removedFrom).containsExactly("node-a");
  }

  @Test
  void keepsTheTaintWhileTheRuleIsNotInPlaceOrTheAgentDoesNotServe() {
    assertThat(report("node-a", RuleState.RULE_STATE_FAILING, true).getTaint())
        .isEqualTo(TaintOutcome.TAINT_OUTCOME_KEPT);
    assertThat(report("node-a", RuleState.RULE_STATE_NOT_MANAGED, true).getTaint())
        .isEqualTo(TaintOutcome.TAINT_OUTCOME_KEPT);
    assertThat(report("node-a", RuleState.RULE_STATE_IN_PLACE, false).getTaint())
        .isEqualTo(TaintOutcome.TAINT_OUTCOME_KEPT);
    // A report from a newer agent with a state this server does not know keeps it too.
    assertThat(
            api.blockingAgent("node-a")
                .reportNode(NodeReport.newBuilder().setRuleValue(42).setServing(true).build())
                .getTaint())
        .isEqualTo(TaintOutcome.TAINT_OUTCOME_KEPT);

    assertThat(api.taint.removedFrom).isEmpty();
    assertThat(scrape(api.registry))
        .contains("podium_server_ready_taint_reports_total{outcome=\"kept\"} 4.0");
  }

  @Test
  void anApiServerRefusalIsUnavailableWithItsReasonAndATaintlessServerSaysSo() {
    api.taint.failure = new IllegalStateException("nodes \"node-a\" is forbidden");

    assertThatThrownBy(() -> report("node-a", RuleState.RULE_STATE_IN_PLACE, true))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(ErrorDetails.reason(e))
                  .isEqualTo(ErrorReason.ERROR_REASON_KUBERNETES_API_FAILED);
              assertThat(e.getStatus().getDescription()).contains("is forbidden");
            });
    assertThat(
            NodeReports.none()
                .report(
                    "node-a",
                    NodeReport.newBuilder()
                        .setRule(RuleState.RULE_STATE_IN_PLACE)
                        .setServing(true)
                        .build()))
        .isEqualTo(TaintOutcome.TAINT_OUTCOME_NOT_CONFIGURED);
  }

  private static String scrape(io.prometheus.metrics.model.registry.PrometheusRegistry registry) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter.create()
          .write(out, registry.scrape());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * An agent one version older sends the WatchRequest it knew: only field 1 (node), no handshake.
   * Sent as raw bytes, as that agent's generated code would, it still gets a full stream.
   */
  @Test
  void anOlderAgentsWatchRequestShapeStillWorks() throws IOException {
    api.permit("shop", "shop-.*");
    api.add(webOnA);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeString(1, "node-a");
    out.flush();
    MethodDescriptor<byte[], WatchEvent> oldWatch =
        NodeCredentialsGrpc.getWatchMethod().toBuilder(
                new RawBytes(), ProtoUtils.marshaller(WatchEvent.getDefaultInstance()))
            .build();

    RecordingObserver<WatchEvent> events = new RecordingObserver<>();
    io.grpc.ClientCall<byte[], WatchEvent> withNode =
        io.grpc.ClientInterceptors.intercept(
                api.channel(),
                MetadataUtils.newAttachHeadersInterceptor(InProcessAgentApi.header("node-a")))
            .newCall(oldWatch, io.grpc.CallOptions.DEFAULT);
    ClientCalls.asyncServerStreamingCall(withNode, bytes.toByteArray(), events);

    assertThat(events.error.get()).isNull();
    assertThat(podNames(events)).containsExactly("shop/web");
    assertThat(events.received.getLast().hasSynced()).isTrue();
  }

  /** Bytes as they are: a message shape this version's generated code no longer makes. */
  private static final class RawBytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
