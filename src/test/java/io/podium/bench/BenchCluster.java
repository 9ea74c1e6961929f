package io.podium.bench;

import io.podium.core.PodCredentialService;
import io.podium.core.PodDirectory;
import io.podium.core.RoleDecider;
import io.podium.core.RoleOutcome;
import io.podium.core.broker.BrokerObserver;
import io.podium.core.broker.BrokerSettings;
import io.podium.core.broker.CredentialBroker;
import io.podium.core.pod.PodIdentity;
import io.podium.core.pod.PodIpIndex;
import io.podium.core.pod.PodLookup;
import io.podium.core.role.AllowedRoles;
import io.podium.core.role.NamespacePolicy;
import io.podium.core.role.RoleBaseArn;
import io.podium.core.role.RolePolicy;
import io.podium.core.role.RoleResolver;
import io.podium.core.session.SessionRequestFactory;
import io.podium.imds.ImdsDocuments;
import io.podium.imds.ImdsRenderer;
import io.podium.testing.FakeIssuer;
import io.podium.testing.ManualScheduler;
import io.podium.testing.MutableClock;
import io.podium.testing.TestPods;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import tools.jackson.databind.json.JsonMapper;

/**
 * The core of one node as the hot-path benchmarks see it: a node's worth of pods (110, the
 * Kubernetes default maximum) in a handful of namespaces with the policies people write — kiam
 * regexes over role names and ARNs, kube2iam glob lists — the production role decision, and a
 * broker that has fetched every pod's session (on a fake clock, so they never age). Built the same
 * way every time: benchmarks differ only in what they measure.
 */
public final class BenchCluster {

  public static final String BASE_ARN = "arn:aws:iam::123456789012:role/";
  public static final int PODS = 110;
  private static final String[] NAMESPACES = {"payments", "search", "checkout", "data", "web"};

  public final MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
  public final ManualScheduler scheduler = new ManualScheduler(clock);
  public final PodIpIndex index = new PodIpIndex(List.of(TestPods.ip("10.0.0.1")));
  public final Map<String, NamespacePolicy> policies = new HashMap<>();
  public final RoleDecider decider;
  public final CredentialBroker<ImdsDocuments> broker;
  public final PodCredentialService<ImdsDocuments> service;
  public final List<PodIdentity> pods = new ArrayList<>();

  public BenchCluster() {
    Optional<RoleBaseArn> base = Optional.of(RoleBaseArn.parse(BASE_ARN));
    for (String namespace : NAMESPACES) {
      // kiam style: the team's own roles by name, plus shared roles by ARN; kube2iam style: globs.
      policies.put(
          namespace,
          NamespacePolicy.compile(
              namespace,
              namespace + "-.*|" + BASE_ARN.replace(".", "\\.") + "shared/(reader|audit)",
              new AllowedRoles.Listed(List.of(namespace + "/*", "platform-*")),
              base));
    }
    SessionRequestFactory sessions = SessionRequestFactory.withDefaults();
    decider =
        new RoleDecider(new RoleResolver(base, Optional.empty()), new RolePolicy(true), sessions);
    broker =
        new CredentialBroker<>(
            new FakeIssuer(clock),
            new ImdsRenderer(JsonMapper.builder().build()),
            BrokerSettings.defaults(sessions.durations()),
            clock,
            scheduler,
            Runnable::run,
            BrokerObserver.NONE,
            new SplittableRandom(1));
    for (int i = 0; i < PODS; i++) {
      String namespace = NAMESPACES[i % NAMESPACES.length];
      PodIdentity pod =
          TestPods.running(namespace, namespace + "-app-" + i + "-7d9c8b6f5-x2k4q")
              .withIp(ip(i))
              .withRole(namespace + "-app-" + (i % 7))
              .build();
      pods.add(pod);
      index.upsert(pod);
      if (decider.decide(pod, policies.get(namespace)) instanceof RoleOutcome.Permitted permitted) {
        broker.hold(permitted.request());
      } else {
        throw new IllegalStateException("benchmark pod " + pod + " is not permitted its role");
      }
    }
    // Sessions past the STS rate limit's burst are fetched as the limit allows: let that happen.
    scheduler.advance(Duration.ofMinutes(1));
    for (PodIdentity pod : pods) {
      if (decider.decide(pod, policies.get(pod.namespace()))
              instanceof RoleOutcome.Permitted permitted
          && broker.cached(permitted.request()).isEmpty()) {
        throw new IllegalStateException("no cached credentials for benchmark pod " + pod);
      }
    }
    PodDirectory directory =
        new PodDirectory() {
          @Override
          public CompletionStage<PodLookup> findByIp(InetAddress ip) {
            return CompletableFuture.completedFuture(index.lookup(ip, clock.instant()));
          }

          @Override
          public CompletionStage<java.util.Optional<io.podium.core.pod.PodIdentity>> findByUid(
              String uid) {
            return CompletableFuture.completedFuture(index.pod(uid));
          }

          @Override
          public NamespacePolicy namespacePolicy(String namespace) {
            NamespacePolicy policy = policies.get(namespace);
            return policy != null ? policy : NamespacePolicy.unannotated(namespace);
          }
        };
    service =
        new PodCredentialService<>(directory, decider, broker, scheduler, Duration.ofMillis(900));
  }

  /** The size of the first pod's credentials document, as the metadata API serves it. */
  public int credentialsDocumentBytes() {
    PodIdentity pod = pods.getFirst();
    if (!(decider.decide(pod, policies.get(pod.namespace()))
        instanceof RoleOutcome.Permitted permitted)) {
      throw new IllegalStateException("benchmark pod " + pod + " is not permitted its role");
    }
    return broker.cached(permitted.request()).orElseThrow().rendered().credentials().length;
  }

  /** The address of pod {@code i}: 10.1.x.y, as a CNI hands them out. */
  public static String ip(int i) {
    return "10.1." + (i / 250) + "." + (i % 250 + 2);
  }

  public Instant now() {
    return clock.instant();
  }
}
