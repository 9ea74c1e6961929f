package io.podium.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podium.core.RoleOutcome;
import io.podium.core.role.RoleSource;
import io.podium.testing.ApiObjects;
import io.podium.testing.TestPods;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Policy and roles come from live objects: namespaces and service accounts as they change. */
class ClusterPolicyTest {

  private final ClusterFixture fixture = new ClusterFixture(Duration.ofMillis(300));

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  private RoleOutcome role(String ip) throws Exception {
    return fixture.service.role(TestPods.ip(ip)).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private void annotateNamespace(String namespace, String permitted) {
    fixture
        .cluster
        .namespaces()
        .withName(namespace)
        .edit(
            ns -> {
              ns.getMetadata().getAnnotations().put("iam.amazonaws.com/permitted", permitted);
              return ns;
            });
  }

  @Test
  void aChangeToPermittedTakesEffectWithoutARestartAndPrefetches() throws Exception {
    fixture.create(ApiObjects.namespace("shop", "reader"));
    fixture.create(ApiObjects.pod("shop", "web").ip("10.0.0.5").role("writer").build());
    fixture.start();
    assertThat(role("10.0.0.5"))
        .isInstanceOfSatisfying(
            RoleOutcome.Refused.class,
            refused -> assertThat(refused.kind()).isEqualTo(RoleOutcome.Refusal.POLICY_DENIED));
    assertThat(fixture.issuer.calls()).isZero();

    annotateNamespace("shop", "reader|writer");

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> role("10.0.0.5") instanceof RoleOutcome.Permitted);
    // The prefetcher heard of the namespace: the session is fetched before the pod asks again.
    await().atMost(Duration.ofSeconds(10)).until(() -> fixture.issuer.calls() == 1);

    annotateNamespace("shop", "reader");

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> role("10.0.0.5") instanceof RoleOutcome.Refused);
  }

  @Test
  void aNamespaceThatDoesNotExistPermitsNothing() throws Exception {
    fixture.create(ApiObjects.pod("ghost", "web").ip("10.0.0.5").role("reader").build());
    fixture.start();

    assertThat(role("10.0.0.5"))
        .isInstanceOfSatisfying(
            RoleOutcome.Refused.class,
            refused -> {
              assertThat(refused.kind()).isEqualTo(RoleOutcome.Refusal.POLICY_DENIED);
              assertThat(refused.reason()).contains("namespace ghost permits no role");
            });
  }

  @Test
  void hostileRegexesPermitNothingAndCostNothing() throws Exception {
    fixture.create(ApiObjects.namespace("broken", "(reader"));
    fixture.create(ApiObjects.namespace("evil", "((a+)+)+b"));
    fixture.create(ApiObjects.pod("broken", "web").ip("10.0.0.5").role("reader").build());
    fixture.create(ApiObjects.pod("evil", "web").ip("10.0.0.6").role("a".repeat(60)).build());
    fixture.start();

    long started = System.nanoTime();
    RoleOutcome broken = role("10.0.0.5");
    RoleOutcome evil = role("10.0.0.6");

    assertThat(broken)
        .isInstanceOfSatisfying(
            RoleOutcome.Refused.class,
            refused -> assertThat(refused.reason()).contains("iam.amazonaws.com/permitted"));
    assertThat(evil).isInstanceOf(RoleOutcome.Refused.class);
    // RE2: linear time, so a catastrophic-backtracking pattern answers at once.
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void aServiceAccountRoleReachesItsPodsUnlessThePodNamesItsOwn() throws Exception {
    fixture.create(ApiObjects.namespace("shop", "irsa-role|own-role|new-role"));
    fixture.create(ApiObjects.serviceAccount("shop", "api", ClusterFixture.arn("irsa-role")));
    fixture.create(ApiObjects.pod("shop", "plain").ip("10.0.0.5").serviceAccount("api").build());
    fixture.create(
        ApiObjects.pod("shop", "own")
            .ip("10.0.0.6")
            .serviceAccount("api")
            .role("own-role")
            .build());
    fixture.start();

    assertThat(role("10.0.0.5"))
        .isInstanceOfSatisfying(
            RoleOutcome.Permitted.class,
            permitted -> {
              assertThat(permitted.role().name()).isEqualTo("irsa-role");
              assertThat(permitted.source()).isEqualTo(RoleSource.SERVICE_ACCOUNT);
            });
    assertThat(role("10.0.0.6"))
        .isInstanceOfSatisfying(
            RoleOutcome.Permitted.class,
            permitted -> {
              assertThat(permitted.role().name()).isEqualTo("own-role");
              assertThat(permitted.source()).isEqualTo(RoleSource.POD_ANNOTATION);
            });

    fixture
        .cluster
        .serviceAccounts()
        .inNamespace("shop")
        .withName("api")
        .edit(
            account -> {
              account
                  .getMetadata()
                  .getAnnotations()
                  .put("eks.amazonaws.com/role-arn", ClusterFixture.arn("new-role"));
              return account;
            });

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                role("10.0.0.5") instanceof RoleOutcome.Permitted permitted
                    && permitted.role().name().equals("new-role"));
    assertThat(((RoleOutcome.Permitted) role("10.0.0.6")).role().name()).isEqualTo("own-role");

    fixture.cluster.serviceAccounts().inNamespace("shop").withName("api").delete();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> role("10.0.0.5") instanceof RoleOutcome.NoRole);
  }
}
