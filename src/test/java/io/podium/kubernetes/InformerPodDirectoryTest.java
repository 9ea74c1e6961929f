package io.podium.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podium.core.CredentialOutcome;
import io.podium.core.PodProblems;
import io.podium.core.RoleOutcome;
import io.podium.core.pod.PodIdentity;
import io.podium.core.pod.PodLookup;
import io.podium.core.role.RoleBaseArn;
import io.podium.testing.ApiObjects;
import io.podium.testing.TestPods;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The informer pod directory against fabric8's mock API server in CRUD mode. */
class InformerPodDirectoryTest {

  private final ClusterFixture fixture = new ClusterFixture(Duration.ofMillis(300));

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  private PodLookup lookup(String ip) throws Exception {
    return fixture
        .directory
        .findByIp(TestPods.ip(ip))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  private RoleOutcome role(String ip) throws Exception {
    return fixture.service.role(TestPods.ip(ip)).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void watchesOnlyThisNodesPodsThroughAFieldSelectorOnTheListAndTheWatch() throws Exception {
    fixture.create(ApiObjects.pod("shop", "here").onNode("node-1").ip("10.0.0.5").build());
    fixture.create(ApiObjects.pod("shop", "there").onNode("node-2").ip("10.0.0.5").build());
    fixture.create(ApiObjects.pod("shop", "elsewhere").onNode("node-2").ip("10.0.0.6").build());

    fixture.start();

    assertThat(fixture.directory.pods()).extracting(PodIdentity::name).containsExactly("here");
    assertThat(lookup("10.0.0.5"))
        .isInstanceOfSatisfying(
            PodLookup.Found.class, found -> assertThat(found.pod().name()).isEqualTo("here"));
    assertThat(lookup("10.0.0.6")).isInstanceOf(PodLookup.NotFound.class);
    assertThat(fixture.api.requests())
        .anyMatch(
            path ->
                path.startsWith("/api/v1/pods?")
                    && !path.contains("watch=true")
                    && path.contains("fieldSelector=spec.nodeName=node-1"));
    assertThat(fixture.api.podWatchRequests())
        .isNotEmpty()
        .allMatch(path -> path.contains("fieldSelector=spec.nodeName=node-1"));
  }

  @Test
  void aNodesListsComeUnpagedFromTheApiServersWatchCache() throws Exception {
    fixture.create(ApiObjects.pod("shop", "here").onNode("node-1").ip("10.0.0.5").build());

    fixture.start();

    // A paged list would be a consistent read, which (with the node's field selector) reads every
    // pod in etcd, for every node; the whole cluster's lists are paged (InformerPodDirectoryPaging
    // Test follows the pages of a server's directory).
    for (String collection : List.of("pods", "namespaces", "serviceaccounts")) {
      assertThat(fixture.api.requests())
          .as("the %s list", collection)
          .anyMatch(
              path ->
                  path.startsWith("/api/v1/" + collection + "?")
                      && !path.contains("watch=true")
                      && path.contains("resourceVersion=0")
                      && !path.contains("limit="));
    }
  }

  @Test
  void theWholeClustersListsArePagedAndANodesAreNot() {
    Optional<RoleBaseArn> base = Optional.empty();
    assertThat(
            new InformerPodDirectory.Settings(null, base, Duration.ZERO, Duration.ZERO)
                .listPageSize())
        .isEqualTo(InformerPodDirectory.Settings.DEFAULT_LIST_PAGE_SIZE);
    assertThat(
            new InformerPodDirectory.Settings("node-1", base, Duration.ZERO, Duration.ZERO)
                .listPageSize())
        .isZero();
  }

  @Test
  void aPodAddedOnAnotherNodeLaterStaysInvisible() throws Exception {
    fixture.start();
    fixture.create(ApiObjects.pod("shop", "there").onNode("node-2").ip("10.0.0.7").build());
    fixture.create(ApiObjects.pod("shop", "marker").onNode("node-1").ip("10.0.0.8").build());
    await().atMost(Duration.ofSeconds(10)).until(() -> fixture.directory.pods().size() == 1);

    assertThat(lookup("10.0.0.7")).isInstanceOf(PodLookup.NotFound.class);
    assertThat(fixture.directory.pods()).extracting(PodIdentity::name).containsExactly("marker");
  }

  @Test
  void aPodThatAsksBeforeItsAddEventGetsItsRoleWhenTheEventArrives() throws Exception {
    try (ClusterFixture patient = new ClusterFixture(Duration.ofSeconds(10))) {
      patient.create(ApiObjects.namespace("shop", "web"));
      patient.start();
      CompletableFuture<CredentialOutcome<String>> early =
          patient.service.credentials(TestPods.ip("10.0.0.9")).toCompletableFuture();
      assertThat(early).isNotDone();

      patient.create(ApiObjects.pod("shop", "web").ip("10.0.0.9").role("web").build());

      CredentialOutcome<String> outcome = early.get(5, TimeUnit.SECONDS);
      assertThat(outcome)
          .isInstanceOfSatisfying(
              CredentialOutcome.Issued.class,
              issued -> assertThat(issued.permitted().role().name()).isEqualTo("web"));
      assertThat(patient.registry.scrape().toString()).isNotEmpty();
    }
  }

  @Test
  void anUnknownIpIsAnsweredNotFoundAfterTheWait() throws Exception {
    fixture.start();
    long started = System.nanoTime();

    assertThat(lookup("10.9.9.9")).isInstanceOf(PodLookup.NotFound.class);
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(Duration.ofMillis(250));
  }

  @Test
  void hostNetworkPodsAndTheNodesAddressesAreRefusedAtOnce() throws Exception {
    fixture.create(
        ApiObjects.pod("kube-system", "proxy")
            .hostNetwork()
            .ip("192.168.1.10")
            .hostIp("192.168.1.10")
            .role("admin")
            .build());
    fixture.create(ApiObjects.pod("shop", "web").ip("10.0.0.5").hostIp("192.168.1.11").build());
    fixture.start();

    CompletableFuture<PodLookup> hostNetwork =
        fixture.directory.findByIp(TestPods.ip("192.168.1.10")).toCompletableFuture();
    CompletableFuture<PodLookup> nodeAddress =
        fixture.directory.findByIp(TestPods.ip("192.168.1.11")).toCompletableFuture();

    assertThat(hostNetwork).isDone();
    assertThat(hostNetwork.get()).isInstanceOf(PodLookup.HostAddress.class);
    assertThat(nodeAddress).isDone();
    assertThat(nodeAddress.get()).isInstanceOf(PodLookup.HostAddress.class);
    assertThat(role("192.168.1.10"))
        .isInstanceOfSatisfying(
            RoleOutcome.Refused.class,
            refused -> assertThat(refused.kind()).isEqualTo(RoleOutcome.Refusal.HOST_ADDRESS));
  }

  @Test
  void dualStackPodsAreFoundByEitherAddress() throws Exception {
    fixture.create(ApiObjects.pod("shop", "web").ip("10.0.0.5").ip("fd00::5").build());
    fixture.start();

    assertThat(lookup("10.0.0.5")).isInstanceOf(PodLookup.Found.class);
    assertThat(lookup("fd00::5"))
        .isInstanceOfSatisfying(
            PodLookup.Found.class, found -> assertThat(found.pod().name()).isEqualTo("web"));
  }

  @Test
  void terminatingPodsKeepTheirRoleThroughTheirGracePeriodOnly() throws Exception {
    Instant now = Instant.now();
    fixture.create(ApiObjects.pod("shop", "stopping").ip("10.0.0.5").build());
    fixture.create(ApiObjects.pod("shop", "overdue").ip("10.0.0.6").build());
    fixture.start();
    // The mock, like the API server, sets deletionTimestamp only on an existing pod.
    fixture.terminate("shop", "stopping", now.plus(Duration.ofMinutes(5)));
    fixture.terminate("shop", "overdue", now.minus(Duration.ofSeconds(1)));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> fixture.directory.pods().stream().allMatch(p -> p.deletionTimestamp() != null));

    assertThat(lookup("10.0.0.5")).isInstanceOf(PodLookup.Found.class);
    assertThat(lookup("10.0.0.6"))
        .isInstanceOfSatisfying(
            PodLookup.NotFound.class,
            notFound -> assertThat(notFound.reason()).contains("grace period"));
  }

  @Test
  void aCompletedPodsIpGoesToTheNewPodThatReusesIt() throws Exception {
    fixture.create(ApiObjects.pod("batch", "job").ip("10.0.0.5").phase("Succeeded").build());
    fixture.start();
    assertThat(lookup("10.0.0.5")).isInstanceOf(PodLookup.NotFound.class);

    fixture.create(ApiObjects.pod("shop", "web").ip("10.0.0.5").build());

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                lookup("10.0.0.5") instanceof PodLookup.Found found
                    && found.pod().name().equals("web"));
  }

  @Test
  void twoLivePodsOnOneIpAreAmbiguousNeverAGuess() throws Exception {
    fixture.create(ApiObjects.namespace("shop", ".*"));
    fixture.create(ApiObjects.pod("shop", "a").ip("10.0.0.5").role("a").build());
    fixture.create(ApiObjects.pod("shop", "b").ip("10.0.0.5").role("b").build());
    fixture.start();

    assertThat(lookup("10.0.0.5")).isInstanceOf(PodLookup.Ambiguous.class);
    assertThat(role("10.0.0.5")).isInstanceOf(RoleOutcome.Unavailable.class);
    assertThat(fixture.directory.ambiguousLookups()).isEqualTo(2);
  }

  @Test
  void reportsProblemsAsEventsOnThePodOnlyWhenMadeTo() {
    assertThat(fixture.directory.problems()).isSameAs(PodProblems.NONE);
    PodIdentity web = TestPods.running("shop", "web").withIp("10.0.0.5").withRole("writer").build();

    try (InformerPodDirectory reporting =
        InformerPodDirectory.reportingEvents(
            fixture.cluster,
            new InformerPodDirectory.Settings(
                ClusterFixture.NODE, ClusterFixture.BASE, Duration.ZERO, Duration.ofSeconds(30)),
            "node-1",
            fixture.clock,
            fixture.scheduler,
            new PrometheusRegistry())) {
      reporting
          .problems()
          .roleRefused(
              web,
              new RoleOutcome.Refused(RoleOutcome.Refusal.POLICY_DENIED, "not permitted", web));

      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> !fixture.cluster.v1().events().inNamespace("shop").list().getItems().isEmpty());
    }
    assertThat(fixture.cluster.v1().events().inNamespace("shop").list().getItems())
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getReason()).isEqualTo("IAMRoleDenied");
              assertThat(event.getReportingInstance()).isEqualTo("node-1");
            });
  }
}
