package io.podium.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.core.RoleOutcome;
import io.podium.core.broker.Credentials;
import io.podium.core.broker.IssuedCredentials;
import io.podium.core.pod.PodIdentity;
import io.podium.core.pod.PodLookup;
import io.podium.core.role.RoleArn;
import io.podium.core.role.RoleSource;
import io.podium.core.session.SessionRequest;
import io.podium.imds.ImdsRenderer;
import io.podium.testing.MutableClock;
import io.podium.testing.TestPods;
import io.podium.wire.WireCodec;
import io.podium.wire.v1.PodState;
import io.podium.wire.v1.RoleDecision;
import io.podium.wire.v1.SessionCredentials;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class NodeViewTest {

  private final MutableClock clock = MutableClock.at("2026-11-27T10:00:00Z");
  private final NodeView view =
      new NodeView(clock, new ImdsRenderer(JsonMapper.builder().build()), Duration.ofMinutes(20));
  private final Object replicaA = "replica-a";
  private final Object replicaB = "replica-b";

  private final PodIdentity web =
      TestPods.running("shop", "web")
          .onNode("node-a")
          .withIp("10.0.1.5")
          .withRole("shop-web")
          .build();
  private final SessionRequest webSession =
      SessionRequest.of(
          RoleArn.parse("arn:aws:iam::123456789012:role/shop-web"),
          "shop-web",
          Duration.ofHours(1));

  private PodState permitted(PodIdentity pod) {
    return WireCodec.encode(
        pod,
        new RoleOutcome.Permitted(pod, webSession.role(), RoleSource.POD_ANNOTATION, webSession));
  }

  private SessionCredentials credentials(String keyId, Instant expiration) {
    return WireCodec.encode(
        WireCodec.sessionKey(webSession),
        new IssuedCredentials(
            new Credentials(keyId, "secret", "token", expiration),
            "arn:aws:sts::123456789012:assumed-role/shop-web/shop-web"),
        clock.instant());
  }

  @Test
  void aPodRecordOnAnAddressItsNeighboursReportAsTheNodesIsNotServed() {
    PodIdentity reporting = TestPods.reportingHost(web, "192.168.1.10");
    PodIdentity forged =
        TestPods.running("shop", "forged")
            .onNode("node-a")
            .withIp("192.168.1.10")
            .withRole("shop-web")
            .build();
    view.streamStarted(replicaA);
    view.podUpserted(replicaA, permitted(reporting));
    view.podUpserted(replicaA, permitted(forged));
    view.synced(replicaA);

    assertThat(view.lookup(TestPods.ip("192.168.1.10"))).isInstanceOf(PodLookup.HostAddress.class);
    assertThat(view.lookup(TestPods.ip("10.0.1.5"))).isInstanceOf(PodLookup.Found.class);
  }

  @Test
  void theAgentsOwnHostIpIsNeverServedAsAPod() {
    PodIdentity forged =
        TestPods.running("shop", "forged")
            .onNode("node-a")
            .withIp("192.168.1.10")
            .withRole("shop-web")
            .build();
    view.nodeAddresses(List.of(TestPods.ip("192.168.1.10")));
    view.streamStarted(replicaA);
    view.podUpserted(replicaA, permitted(forged));
    view.synced(replicaA);

    assertThat(view.lookup(TestPods.ip("192.168.1.10"))).isInstanceOf(PodLookup.HostAddress.class);
  }

  @Test
  void aStoppedPodFromTheStreamHoldsNoCredentialsAndLeavesItsIpToTheNextPod() {
    PodIdentity stopped =
        TestPods.running("shop", "old")
            .onNode("node-a")
            .withIp("10.0.1.5")
            .withRole("shop-web")
            .inPhase(io.podium.core.pod.PodPhase.STOPPED)
            .terminatingUntil(clock.instant().plusSeconds(30))
            .build();
    view.streamStarted(replicaA);
    view.podUpserted(replicaA, permitted(stopped));
    view.synced(replicaA);
    assertThat(view.lookup(TestPods.ip("10.0.1.5"))).isInstanceOf(PodLookup.NotFound.class);

    view.podUpserted(replicaA, permitted(web));

    assertThat(view.lookup(TestPods.ip("10.0.1.5")))
        .isInstanceOfSatisfying(
            PodLookup.Found.class, found -> assertThat(found.pod().name()).isEqualTo("web"));
  }

  @Test
  void answersNothingUntilAReplicaHasSynced() {
    view.streamStarted(replicaA);
    view.podUpserted(replicaA, permitted(web));
    assertThat(view.everSynced()).isFalse();

    view.synced(replicaA);

    assertThat(view.everSynced()).isTrue();
    assertThat(view.lookup(TestPods.ip("10.0.1.5"))).isInstanceOf(PodLookup.Found.class);
  }

  @Test
  void keepsAPodWhileAnyConnectedReplicaStillReportsIt() {
    view.streamStarted(replicaA);
    view.streamStarted(replicaB);
    view.podUpserted(replicaA, permitted(web));
    view.podUpserted(replicaB, permitted(web));
    view.synced(replicaA);
    view.synced(replicaB);

    view.podRemoved(replicaA, web.uid());
    assertThat(view.lookup(TestPods.ip("10.0.1.5"))).isInstanceOf(PodLookup.Found.class);

    view.podRemoved(replicaB, web.uid());
    assertThat(view.lookup(TestPods.ip("10.0.1.5"))).isInstanceOf(PodLookup.NotFound.class);
  }

  @Test
  void keepsEverythingWhileEveryReplicaIsAway() {
    view.streamStarted(replicaA);
    view.podUpserted(replicaA, permitted(web));
    view.synced(replicaA);
    view.credentialsArrived(credentials("ASIAONE", clock.instant().plus(Duration.ofHours(1))));

    view.streamEnded(replicaA);

    assertThat(view.lookup(TestPods.ip("10.0.1.5"))).isInstanceOf(PodLookup.Found.class);
    assertThat(view.credentials(WireCodec.sessionKey(webSession))).isPresent();
  }

  @Test
  void aReconnectedReplicasSnapshotRemovesWhatItNoLongerHas() {
    view.streamStarted(replicaA);
    view.podUpserted(replicaA, permitted(web));
    view.synced(replicaA);
    view.streamEnded(replicaA);

    view.streamStarted(replicaA);
    assertThat(view.lookup(TestPods.ip("10.0.1.5"))).isInstanceOf(PodLookup.Found.class);
    view.synced(replicaA);

    assertThat(view.lookup(TestPods.ip("10.0.1.5"))).isInstanceOf(PodLookup.NotFound.class);
    assertThat(view.credentials(WireCodec.sessionKey(webSession))).isEmpty();
  }

  @Test
  void anIpReusedWhileAReplicaLagsIsAmbiguousNeverTheOldPod() {
    view.streamStarted(replicaA);
    view.streamStarted(replicaB);
    view.podUpserted(replicaA, permitted(web));
    view.podUpserted(replicaB, permitted(web));
    view.synced(replicaA);
    view.synced(replicaB);
    PodIdentity newcomer =
        TestPods.running("shop", "new")
            .onNode("node-a")
            .withIp("10.0.1.5")
            .withRole("shop-web")
            .build();

    // Replica A saw the old pod go and the new one come; replica B has not yet.
    view.podRemoved(replicaA, web.uid());
    view.podUpserted(replicaA, permitted(newcomer));

    assertThat(view.lookup(TestPods.ip("10.0.1.5"))).isInstanceOf(PodLookup.Ambiguous.class);
    view.podRemoved(replicaB, web.uid());
    assertThat(view.lookup(TestPods.ip("10.0.1.5")))
        .isInstanceOfSatisfying(
            PodLookup.Found.class, found -> assertThat(found.pod().name()).isEqualTo("new"));
  }

  @Test
  void keepsTheLongestLivedCredentialsWhenReplicasSendTheSameSession() {
    view.streamStarted(replicaA);
    view.podUpserted(replicaA, permitted(web));
    view.credentialsArrived(credentials("ASIANEWER", clock.instant().plus(Duration.ofMinutes(60))));
    view.credentialsArrived(credentials("ASIAOLDER", clock.instant().plus(Duration.ofMinutes(45))));

    assertThat(
            view.credentials(WireCodec.sessionKey(webSession))
                .orElseThrow()
                .credentials()
                .accessKeyId())
        .isEqualTo("ASIANEWER");
  }

  @Test
  void aDecisionFromANewerServerThatThisVersionCannotReadIsUnavailable() {
    PodState future =
        permitted(web).toBuilder()
            .setDecision(RoleDecision.newBuilder().setVerdictValue(42).setReason("new rule"))
            .build();
    view.streamStarted(replicaA);
    view.podUpserted(replicaA, future);

    assertThat(view.entry(web.uid()).orElseThrow().outcome())
        .isInstanceOf(RoleOutcome.Unavailable.class);
  }

  @Test
  void awaitsCredentialsThatArriveLater() {
    view.streamStarted(replicaA);
    view.podUpserted(replicaA, permitted(web));
    var waiting = view.awaitCredentials(WireCodec.sessionKey(webSession));
    assertThat(waiting).isNotDone();

    view.credentialsArrived(credentials("ASIALATE", clock.instant().plus(Duration.ofHours(1))));

    assertThat(waiting).isCompleted();
    assertThat(waiting.join().credentials().accessKeyId()).isEqualTo("ASIALATE");
  }

  @Test
  void aPodAwaitedByUidArrivesWithItsEvent() {
    view.streamStarted(replicaA);
    var waiting = view.awaitPod(web.uid());
    assertThat(waiting).isNotDone();

    view.podUpserted(replicaA, permitted(web));

    assertThat(waiting).isCompleted();
    assertThat(waiting.join())
        .hasValueSatisfying(entry -> assertThat(entry.pod().uid()).isEqualTo(web.uid()));
    assertThat(view.awaitPod(web.uid())).as("known: at once").isCompleted();
  }

  @Test
  void theServersSigningKeysReachTheEndpointOnceEachAndLateListenersHearTheLast() {
    java.util.List<String> heard = new java.util.ArrayList<>();
    io.podium.wire.v1.ServiceAccountKeys first =
        io.podium.wire.v1.ServiceAccountKeys.newBuilder()
            .setJwks("{\"keys\":[]}")
            .addIssuers("https://a")
            .build();
    io.podium.wire.v1.ServiceAccountKeys second =
        first.toBuilder().clearIssuers().addIssuers("https://b").build();

    view.serviceAccountKeys(first);
    view.onServiceAccountKeys(keys -> heard.add(keys.getIssuers(0)));
    view.serviceAccountKeys(first); // the other replica sends the same keys
    view.serviceAccountKeys(second);

    assertThat(heard).containsExactly("https://a", "https://b");
  }
}
