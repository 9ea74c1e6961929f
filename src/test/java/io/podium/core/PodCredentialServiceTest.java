package io.podium.core;

import static io.podium.testing.TestPods.ip;
import static org.assertj.core.api.Assertions.assertThat;

import io.podium.core.broker.BrokerObserver;
import io.podium.core.broker.BrokerSettings;
import io.podium.core.broker.CredentialBroker;
import io.podium.core.broker.StsCallException;
import io.podium.core.pod.PodIpIndex;
import io.podium.core.pod.PodLookup;
import io.podium.core.role.AllowedRoles;
import io.podium.core.role.NamespacePolicy;
import io.podium.core.role.RoleBaseArn;
import io.podium.core.role.RolePolicy;
import io.podium.core.role.RoleResolver;
import io.podium.core.session.SessionDurations;
import io.podium.core.session.SessionRequestFactory;
import io.podium.testing.FakeIssuer;
import io.podium.testing.ManualScheduler;
import io.podium.testing.MutableClock;
import io.podium.testing.TestPods;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class PodCredentialServiceTest {

  private static final Optional<RoleBaseArn> BASE =
      Optional.of(RoleBaseArn.parse("arn:aws:iam::123456789012:role/"));

  private final MutableClock clock = MutableClock.at("2026-11-27T10:00:00Z");
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final FakeIssuer issuer = new FakeIssuer(clock);
  private final Directory directory = new Directory();
  private final CredentialBroker<String> broker =
      new CredentialBroker<>(
          issuer,
          (request, issued, at) -> issued.credentials().accessKeyId(),
          BrokerSettings.defaults(SessionDurations.defaults()),
          clock,
          scheduler,
          Runnable::run,
          BrokerObserver.NONE,
          new SplittableRandom(1));
  private final RoleDecider decider =
      new RoleDecider(
          new RoleResolver(BASE, Optional.empty()),
          new RolePolicy(true),
          SessionRequestFactory.withDefaults());
  private final PodCredentialService<String> service =
      new PodCredentialService<>(directory, decider, broker, scheduler, Duration.ofMillis(900));

  /** An in-memory directory on the real index, as the file and informer sources use it. */
  private final class Directory implements PodDirectory {
    final PodIpIndex index = new PodIpIndex();
    final Map<String, NamespacePolicy> namespaces = new HashMap<>();

    @Override
    public CompletionStage<PodLookup> findByIp(java.net.InetAddress address) {
      return CompletableFuture.completedFuture(index.lookup(address, clock.instant()));
    }

    @Override
    public CompletionStage<java.util.Optional<io.podium.core.pod.PodIdentity>> findByUid(
        String uid) {

      return CompletableFuture.completedFuture(index.pod(uid));
    }

    @Override
    public NamespacePolicy namespacePolicy(String namespace) {
      return namespaces.getOrDefault(namespace, NamespacePolicy.unannotated(namespace));
    }

    void permit(String namespace, String regex) {
      namespaces.put(
          namespace, NamespacePolicy.compile(namespace, regex, AllowedRoles.ABSENT, BASE));
    }
  }

  private <T> T now(CompletionStage<T> stage) {
    CompletableFuture<T> future = stage.toCompletableFuture();
    assertThat(future).isDone();
    return future.join();
  }

  @Test
  void issuesCredentialsForThePodAtTheCallersIp() {
    directory.permit("shop", "web-.*");
    directory.index.upsert(
        TestPods.running("shop", "web").withIp("10.0.0.5").withRole("web-reader").build());

    CredentialOutcome<String> outcome = now(service.credentials(ip("10.0.0.5")));

    assertThat(outcome).isInstanceOf(CredentialOutcome.Issued.class);
    var issued = (CredentialOutcome.Issued<String>) outcome;
    assertThat(issued.permitted().role().toString())
        .isEqualTo("arn:aws:iam::123456789012:role/web-reader");
    assertThat(issued.credentials().request().sessionName()).isEqualTo("shop@web");
    assertThat(issued.credentials().rendered())
        .isEqualTo(issued.credentials().credentials().accessKeyId());
  }

  @Test
  void twoPodsGetTheirOwnRoles() {
    directory.permit("shop", ".*");
    directory.index.upsert(
        TestPods.running("shop", "web").withIp("10.0.0.5").withRole("web").build());
    directory.index.upsert(
        TestPods.running("shop", "batch").withIp("10.0.0.6").withRole("batch").build());

    var web = (CredentialOutcome.Issued<String>) now(service.credentials(ip("10.0.0.5")));
    var batch = (CredentialOutcome.Issued<String>) now(service.credentials(ip("10.0.0.6")));

    assertThat(web.permitted().role().name()).isEqualTo("web");
    assertThat(batch.permitted().role().name()).isEqualTo("batch");
    assertThat(web.credentials().credentials().accessKeyId())
        .isNotEqualTo(batch.credentials().credentials().accessKeyId());
  }

  @Test
  void podWithoutRoleGetsNoRoleAndNoStsCall() {
    directory.index.upsert(TestPods.running("shop", "web").withIp("10.0.0.5").build());

    CredentialOutcome<String> outcome = now(service.credentials(ip("10.0.0.5")));

    assertThat(outcome)
        .isEqualTo(
            new CredentialOutcome.NotIssued<String>(
                new RoleOutcome.NoRole(directory.index.pods().getFirst())));
    assertThat(issuer.calls()).isZero();
  }

  @Test
  void roleOutsideTheNamespacePolicyIsRefusedWithTheReason() {
    directory.permit("shop", "web-.*");
    directory.index.upsert(
        TestPods.running("shop", "web").withIp("10.0.0.5").withRole("admin").build());

    RoleOutcome outcome = now(service.role(ip("10.0.0.5")));

    assertThat(outcome).isInstanceOf(RoleOutcome.Refused.class);
    var refused = (RoleOutcome.Refused) outcome;
    assertThat(refused.kind()).isEqualTo(RoleOutcome.Refusal.POLICY_DENIED);
    assertThat(refused.reason()).contains("admin").contains("not permitted in namespace shop");
    assertThat(issuer.calls()).isZero();
  }

  @Test
  void malformedAnnotationsAreRefusedWithTheReason() {
    directory.permit("shop", ".*");
    directory.index.upsert(
        TestPods.running("shop", "a").withIp("10.0.0.5").withRole("arn:aws:s3:::bucket").build());
    directory.index.upsert(
        TestPods.running("shop", "b")
            .withIp("10.0.0.6")
            .withRole("reader")
            .withExternalId("x")
            .build());

    var badRole = (RoleOutcome.Refused) now(service.role(ip("10.0.0.5")));
    var badExternalId = (RoleOutcome.Refused) now(service.role(ip("10.0.0.6")));

    assertThat(badRole.kind()).isEqualTo(RoleOutcome.Refusal.INVALID_ANNOTATION);
    assertThat(badExternalId.kind()).isEqualTo(RoleOutcome.Refusal.INVALID_ANNOTATION);
    assertThat(badExternalId.reason()).contains("iam.amazonaws.com/external-id");
  }

  @Test
  void unknownIpIsUnavailableNotGuessed() {
    RoleOutcome outcome = now(service.role(ip("10.0.0.99")));

    assertThat(outcome).isInstanceOf(RoleOutcome.Unavailable.class);
  }

  @Test
  void ipClaimedByTwoPodsIsUnavailableNamingThemToTheLogOnly() {
    directory.permit("dev", ".*");
    directory.index.upsert(
        TestPods.running("dev", "dup-a").withIp("10.0.0.5").withRole("a").build());
    directory.index.upsert(
        TestPods.running("dev", "dup-b").withIp("10.0.0.5").withRole("b").build());

    var outcome = (RoleOutcome.Unavailable) now(service.role(ip("10.0.0.5")));

    assertThat(outcome.reason())
        .isEqualTo("the caller's address is claimed by 2 pods; refusing to guess")
        .doesNotContain("dup-a")
        .doesNotContain("dup-b");
    assertThat(outcome.detail()).contains("dev/dup-a").contains("dev/dup-b");
    assertThat(issuer.calls()).isZero();
  }

  @Test
  void anIpLastHeldByAFinishedPodIsUnavailableWithoutNamingIt() {
    directory.index.upsert(
        TestPods.running("shop", "old-job").withIp("10.0.0.6").succeeded().build());

    var outcome = (RoleOutcome.Unavailable) now(service.role(ip("10.0.0.6")));

    assertThat(outcome.reason()).doesNotContain("old-job").doesNotContain("shop/");
    assertThat(outcome.detail()).contains("shop/old-job");
  }

  @Test
  void aHostNetworkPodsNameIsNeverToldToTheCaller() {
    directory.index.upsert(
        TestPods.running("kube-system", "proxy").withIp("10.0.0.1").hostNetwork().build());

    var outcome = (RoleOutcome.Refused) now(service.role(ip("10.0.0.1")));

    assertThat(outcome.reason()).doesNotContain("proxy").doesNotContain("kube-system");
    assertThat(outcome.detail()).contains("kube-system/proxy");
  }

  @Test
  void hostNetworkPodIsRefusedAsAHostAddress() {
    directory.permit("kube-system", ".*");
    directory.index.upsert(
        TestPods.running("kube-system", "proxy")
            .withIp("10.0.0.1")
            .hostNetwork()
            .withRole("node")
            .build());

    var outcome = (RoleOutcome.Refused) now(service.role(ip("10.0.0.1")));

    assertThat(outcome.kind()).isEqualTo(RoleOutcome.Refusal.HOST_ADDRESS);
  }

  @Test
  void stsRefusalBecomesAnStsFailedOutcome() {
    directory.permit("shop", ".*");
    directory.index.upsert(
        TestPods.running("shop", "web").withIp("10.0.0.5").withRole("web").build());
    issuer.failWith(FakeIssuer::accessDenied);

    CredentialOutcome<String> outcome = now(service.credentials(ip("10.0.0.5")));

    assertThat(outcome).isInstanceOf(CredentialOutcome.StsFailed.class);
    assertThat(((CredentialOutcome.StsFailed<String>) outcome).failure())
        .isInstanceOf(StsCallException.AccessDenied.class);
  }

  @Test
  void callerWaitsNoLongerThanTheBoundWhileTheCallCarriesOn() {
    // A broker whose STS calls never run until the scheduler says so: an executor that queues.
    java.util.List<Runnable> stalled = new java.util.ArrayList<>();
    CredentialBroker<String> slowBroker =
        new CredentialBroker<>(
            issuer,
            (request, issued, at) -> "x",
            BrokerSettings.defaults(SessionDurations.defaults()),
            clock,
            scheduler,
            stalled::add,
            BrokerObserver.NONE,
            new SplittableRandom(1));
    PodCredentialService<String> slowService =
        new PodCredentialService<>(
            directory, decider, slowBroker, scheduler, Duration.ofMillis(900));
    directory.permit("shop", ".*");
    directory.index.upsert(
        TestPods.running("shop", "web").withIp("10.0.0.5").withRole("web").build());

    CompletableFuture<CredentialOutcome<String>> answer =
        slowService.credentials(ip("10.0.0.5")).toCompletableFuture();
    scheduler.advance(Duration.ofMillis(899));
    assertThat(answer).isNotDone();
    scheduler.advance(Duration.ofMillis(1));

    assertThat(answer.join()).isInstanceOf(CredentialOutcome.NotIssued.class);
    assertThat(((CredentialOutcome.NotIssued<String>) answer.join()).outcome())
        .isInstanceOf(RoleOutcome.Unavailable.class);

    stalled.forEach(Runnable::run); // STS answers late: the next request is served from cache
    assertThat(now(slowService.credentials(ip("10.0.0.5"))))
        .isInstanceOf(CredentialOutcome.Issued.class);
    assertThat(issuer.calls()).isEqualTo(1);
  }
}
