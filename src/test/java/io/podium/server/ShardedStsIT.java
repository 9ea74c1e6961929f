package io.podium.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.podium.aws.StsCredentialIssuer;
import io.podium.aws.StsSettings;
import io.podium.core.Prefetcher;
import io.podium.core.RoleDecider;
import io.podium.core.RoleOutcome;
import io.podium.core.broker.BrokerObserver;
import io.podium.core.broker.BrokerSettings;
import io.podium.core.broker.CredentialBroker;
import io.podium.core.pod.PodIdentity;
import io.podium.core.role.AllowedRoles;
import io.podium.core.role.NamespacePolicy;
import io.podium.core.role.RoleBaseArn;
import io.podium.core.role.RolePolicy;
import io.podium.core.role.RoleResolver;
import io.podium.core.session.SessionDurations;
import io.podium.core.session.SessionRequest;
import io.podium.core.session.SessionRequestFactory;
import io.podium.kubernetes.LeaseReplicas;
import io.podium.stsemulator.BootstrapCredentials;
import io.podium.stsemulator.StsEmulator;
import io.podium.testing.ManualScheduler;
import io.podium.testing.MutableClock;
import io.podium.testing.TestPods;
import io.podium.wire.v1.SessionCredentials;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Three server replicas sharing the STS work through Leases on the fabric8 mock API server (CRUD
 * mode) and rendezvous hashing, against the STS emulator, on one fake clock: 100 sessions cost 100
 * AssumeRole calls, as for one replica; when a replica dies, its sessions are taken over within the
 * lease time and refreshed by their new owners on schedule.
 */
class ShardedStsIT {

  private static final Optional<RoleBaseArn> BASE =
      Optional.of(RoleBaseArn.parse("arn:aws:iam::123456789012:role/"));
  private static final int SESSIONS = 100;

  private final MutableClock clock =
      new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  private final RoleDecider decider =
      new RoleDecider(
          new RoleResolver(BASE, Optional.empty()),
          new RolePolicy(true),
          SessionRequestFactory.withDefaults());
  private final NamespacePolicy shop =
      NamespacePolicy.compile("shop", "shop-.*", AllowedRoles.ABSENT, BASE);
  private final List<PodIdentity> pods = new ArrayList<>();
  private final List<Replica> replicas = new ArrayList<>();
  private KubernetesMockServer kubernetes;
  private KubernetesClient client;
  private StsEmulator sts;

  private NamespacePolicy namespace(String name) {
    return name.equals("shop") ? shop : NamespacePolicy.unannotated(name);
  }

  /** One replica: its own timers, lease, STS client, broker and prefetching. */
  private final class Replica {
    final String id;
    final ManualScheduler scheduler = new ManualScheduler(clock);
    final LeaseReplicas leases;
    final StsCredentialIssuer issuer;
    final CredentialBroker<SessionCredentials> broker;
    final OwnedPrefetch prefetch;
    // The pods this replica's pod source has told: what it tells again when ownership moves.
    final List<PodIdentity> told = new ArrayList<>();
    boolean alive = true;

    Replica(String id, boolean sharded) {
      this.id = id;
      leases =
          new LeaseReplicas(
              client,
              "podium",
              id,
              Duration.ofSeconds(10),
              Duration.ofSeconds(2),
              clock,
              scheduler);
      issuer =
          new StsCredentialIssuer(
              StsSettings.forRegion(Region.US_EAST_1).withEndpointOverride(sts.endpoint()),
              StaticCredentialsProvider.create(
                  AwsBasicCredentials.create(
                      BootstrapCredentials.devDefaults().accessKeyId(),
                      BootstrapCredentials.devDefaults().secretAccessKey())),
              new PrometheusRegistry(),
              clock);
      broker =
          new CredentialBroker<>(
              issuer,
              new PublishingRenderer(),
              BrokerSettings.defaults(SessionDurations.defaults()),
              clock,
              scheduler,
              Runnable::run,
              BrokerObserver.NONE,
              new SplittableRandom(id.hashCode()));
      prefetch =
          new OwnedPrefetch(
              new Prefetcher(broker, decider, ShardedStsIT.this::namespace, clock),
              decider,
              ShardedStsIT.this::namespace,
              sharded ? new RendezvousOwnership(leases) : SessionOwnership.ALL,
              listener -> told.forEach(listener::podUpserted));
    }

    boolean holds(SessionRequest session) {
      return broker.cached(session).isPresent();
    }
  }

  @BeforeEach
  void start() throws Exception {
    kubernetes =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    kubernetes.init(InetAddress.getLoopbackAddress(), 0);
    client = kubernetes.createClient();
    sts = StsEmulator.builder().bootstrapCredentials(BootstrapCredentials.devDefaults()).build();
    sts.start(new InetSocketAddress("127.0.0.1", 0));
    for (int i = 0; i < SESSIONS; i++) {
      // A session name per pod: 100 pods, 100 distinct sessions.
      pods.add(
          TestPods.running("shop", "web-" + i)
              .withIp("10.1." + (i / 200) + "." + (i % 200 + 1))
              .withRole("shop-web")
              .withSessionName("web-" + i)
              .build());
    }
  }

  @AfterEach
  void stop() {
    for (Replica replica : replicas) {
      replica.issuer.close();
    }
    sts.close();
    client.close();
    kubernetes.destroy();
  }

  private void startReplicas(boolean sharded) {
    for (String id : List.of("replica-1", "replica-2", "replica-3")) {
      replicas.add(new Replica(id, sharded));
    }
    replicas.forEach(r -> r.leases.start());
    // One renewal round later every replica has read every other's Lease.
    advance(Duration.ofSeconds(2));
    for (Replica replica : replicas) {
      assertThat(replica.leases.live())
          .contains(java.util.Set.of("replica-1", "replica-2", "replica-3"));
    }
    for (Replica replica : replicas) {
      for (PodIdentity pod : pods) {
        replica.told.add(pod);
        replica.prefetch.podUpserted(pod);
      }
    }
  }

  /** Moves the shared clock, running each live replica's due timers second by second. */
  private void advance(Duration duration) {
    Instant end = clock.instant().plus(duration);
    while (clock.instant().isBefore(end)) {
      Instant step = clock.instant().plusSeconds(1);
      for (Replica replica : replicas) {
        if (replica.alive) {
          replica.scheduler.advance(Duration.between(clock.instant(), step));
        }
      }
      clock.set(step);
    }
  }

  private List<SessionRequest> sessions() {
    return pods.stream()
        .map(pod -> ((RoleOutcome.Permitted) decider.decide(pod, shop)).request())
        .toList();
  }

  private long assumeRoleCalls() {
    return sts.stats().callCount("AssumeRole");
  }

  @Test
  void threeReplicasMakeOneReplicasWorthOfStsCallsAndTakeOverADeadOnesSessions() {
    startReplicas(true);

    assertThat(assumeRoleCalls()).isEqualTo(SESSIONS);
    Map<String, Long> owned = new HashMap<>();
    for (SessionRequest session : sessions()) {
      List<Replica> holders = replicas.stream().filter(r -> r.holds(session)).toList();
      assertThat(holders).as("holders of %s", session.sessionName()).hasSize(1);
      owned.merge(holders.getFirst().id, 1L, Long::sum);
    }
    assertThat(owned.values()).allSatisfy(n -> assertThat(n).isBetween(15L, 55L));

    // replica-1 crashes: it stops renewing its Lease and stops working.
    Replica dead = replicas.getFirst();
    dead.leases.abandon();
    dead.alive = false;
    long orphaned = owned.get(dead.id);
    advance(Duration.ofSeconds(12));

    // Within the lease time plus one renewal, the survivors took over and fetched its sessions.
    assertThat(assumeRoleCalls()).isEqualTo(SESSIONS + orphaned);
    for (SessionRequest session : sessions()) {
      assertThat(replicas.subList(1, 3).stream().filter(r -> r.holds(session)).count())
          .as("live holders of %s", session.sessionName())
          .isEqualTo(1);
    }

    // Every session is refreshed on time (between 70% and 85% of its 40 servable minutes) by
    // its one owner: 100 more calls, not 200.
    advance(Duration.ofMinutes(35));
    assertThat(assumeRoleCalls()).isEqualTo(2L * SESSIONS + orphaned);
    for (SessionRequest session : sessions()) {
      Replica owner =
          replicas.subList(1, 3).stream().filter(r -> r.holds(session)).findFirst().orElseThrow();
      assertThat(owner.broker.cached(session).orElseThrow().remainingAt(clock.instant()))
          .isGreaterThan(SessionDurations.DEFAULT_MIN_REMAINING);
    }
    System.out.printf(
        "sharding: 3 replicas, %d sessions: %d AssumeRole calls at start (owned %s), %d after"
            + " replica-1 died, %d after one refresh round%n",
        SESSIONS, SESSIONS, owned, SESSIONS + orphaned, assumeRoleCalls());
  }

  @Test
  void withoutSharingEveryReplicaCallsStsForEverySession() {
    startReplicas(false);
    // Each replica paces its 100 calls through its own --sts-rate-limit (a burst of 200 by
    // default).
    advance(Duration.ofSeconds(10));

    assertThat(assumeRoleCalls()).isEqualTo(3L * SESSIONS);
    System.out.printf(
        "unsharded: 3 replicas, %d sessions: %d AssumeRole calls%n", SESSIONS, assumeRoleCalls());
  }
}
