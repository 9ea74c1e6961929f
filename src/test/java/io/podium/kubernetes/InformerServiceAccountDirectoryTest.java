package io.podium.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.podium.core.account.ServiceAccountLookup;
import io.podium.core.role.Decision;
import io.podium.core.role.RoleArn;
import io.podium.core.role.RolePolicy;
import io.podium.testing.ApiObjects;
import io.podium.testing.KubernetesApiMock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook's service-account directory against fabric8's mock API server in CRUD mode: answers
 * from the informers' cache, and reads from the API server what the cache does not hold yet.
 */
class InformerServiceAccountDirectoryTest {

  private static final String ROLE = "arn:aws:iam::111122223333:role/s3-reader";

  private final KubernetesApiMock api = KubernetesApiMock.start();
  private final NamespacedKubernetesClient client = api.client();
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable each : closing.reversed()) {
      each.close();
    }
    client.close();
    api.close();
  }

  private InformerServiceAccountDirectory directory(KubernetesClient to, Duration readTimeout) {
    InformerServiceAccountDirectory directory =
        new InformerServiceAccountDirectory(
            to,
            new InformerServiceAccountDirectory.Settings(
                Set.of("eks.amazonaws.com"), Optional.empty(), readTimeout, Duration.ofSeconds(20)),
            registry);
    closing.add(directory);
    return directory;
  }

  private InformerServiceAccountDirectory directory() {
    return directory(client, Duration.ofSeconds(5));
  }

  private static ServiceAccount account(String namespace, String name, String role) {
    return new ServiceAccountBuilder(ApiObjects.serviceAccount(namespace, name, role))
        .editMetadata()
        .addToAnnotations("eks.amazonaws.com/audience", "custom")
        .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{\"big\":true}")
        .endMetadata()
        .build();
  }

  private static ServiceAccountLookup find(
      InformerServiceAccountDirectory directory, String namespace, String name) throws Exception {
    return directory.find(namespace, name).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private double lookups(String result) {
    return registry.scrape().stream()
        .filter(s -> s.getMetadata().getName().equals("podium_kubernetes_service_account_lookups"))
        .map(CounterSnapshot.class::cast)
        .flatMap(s -> s.getDataPoints().stream())
        .filter(p -> result.equals(p.getLabels().get("result")))
        .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
        .sum();
  }

  @Test
  void answersFromTheInformersCacheWithTheAccountsPrefixedAnnotationsAndItsNamespacePolicy()
      throws Exception {
    client.resource(ApiObjects.namespace("shop", ".*s3-.*")).create();
    client.resource(account("shop", "web", ROLE)).create();
    InformerServiceAccountDirectory directory = directory();

    directory.start();
    var found = (ServiceAccountLookup.Found) find(directory, "shop", "web");

    assertThat(directory.synced()).isTrue();
    // The API server's uid: Events on the account name it.
    assertThat(found.account().uid())
        .isEqualTo(
            client
                .serviceAccounts()
                .inNamespace("shop")
                .withName("web")
                .get()
                .getMetadata()
                .getUid());
    assertThat(found.account().annotations())
        .containsOnlyKeys("eks.amazonaws.com/role-arn", "eks.amazonaws.com/audience");
    assertThat(new RolePolicy(true).decide(found.policy(), RoleArn.parse(ROLE)))
        .isInstanceOf(Decision.Allowed.class);
    assertThat(lookups("cached")).isEqualTo(1);
  }

  @Test
  void readsAnAccountAndNamespaceTheCacheDoesNotHoldYetFromTheApiServer() throws Exception {
    // Informers not started: nothing is cached, as for an account created a moment ago.
    client.resource(ApiObjects.namespace("shop", ".*s3-.*")).create();
    client.resource(account("shop", "web", ROLE)).create();
    InformerServiceAccountDirectory directory = directory();

    ServiceAccountLookup lookup = find(directory, "shop", "web");

    assertThat(lookup)
        .isInstanceOfSatisfying(
            ServiceAccountLookup.Found.class,
            found -> {
              assertThat(found.account().annotation("eks.amazonaws.com/role-arn")).contains(ROLE);
              assertThat(new RolePolicy(true).decide(found.policy(), RoleArn.parse(ROLE)))
                  .isInstanceOf(Decision.Allowed.class);
            });
    assertThat(api.requests())
        .contains("/api/v1/namespaces/shop/serviceaccounts/web", "/api/v1/namespaces/shop");
    assertThat(lookups("read")).isEqualTo(1);
  }

  @Test
  void anAccountCreatedAfterTheStartIsFoundWhetherItsEventCameFirstOrNot() throws Exception {
    InformerServiceAccountDirectory directory = directory();
    directory.start();

    client.resource(ApiObjects.namespace("shop", ".*")).create();
    client.resource(account("shop", "web", ROLE)).create();
    ServiceAccountLookup lookup = find(directory, "shop", "web");

    assertThat(lookup).isInstanceOf(ServiceAccountLookup.Found.class);
  }

  @Test
  void anAccountThatDoesNotExistIsNotFound() throws Exception {
    InformerServiceAccountDirectory directory = directory();
    directory.start();

    assertThat(find(directory, "shop", "ghost")).isInstanceOf(ServiceAccountLookup.NotFound.class);
    assertThat(lookups("not_found")).isEqualTo(1);
  }

  @Test
  void followsChangesAndDeletionsThroughTheInformers() throws Exception {
    client.resource(ApiObjects.namespace("shop", null)).create();
    client.resource(account("shop", "web", ROLE)).create();
    InformerServiceAccountDirectory directory = directory();
    directory.start();

    client
        .serviceAccounts()
        .inNamespace("shop")
        .withName("web")
        .edit(
            sa ->
                new ServiceAccountBuilder(sa)
                    .editMetadata()
                    .addToAnnotations(
                        "eks.amazonaws.com/role-arn", "arn:aws:iam::111122223333:role/other")
                    .endMetadata()
                    .build());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                find(directory, "shop", "web") instanceof ServiceAccountLookup.Found found
                    && found
                        .account()
                        .annotation("eks.amazonaws.com/role-arn")
                        .orElse("")
                        .endsWith("/other"));

    client.serviceAccounts().inNamespace("shop").withName("web").delete();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> find(directory, "shop", "web") instanceof ServiceAccountLookup.NotFound);
  }

  @Test
  void aReadTheApiServerDoesNotAnswerInTimeIsUnavailableAndSharedByEveryoneAsking()
      throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        KubernetesClient toSilence =
            new KubernetesClientBuilder()
                .withConfig(
                    new ConfigBuilder(Config.empty())
                        .withMasterUrl("http://127.0.0.1:" + silent.getLocalPort())
                        .withRequestTimeout(30_000)
                        .build())
                .build()) {
      List<Socket> accepted = new CopyOnWriteArrayList<>();
      Thread.ofVirtual().start(() -> acceptForever(silent, accepted));
      InformerServiceAccountDirectory directory = directory(toSilence, Duration.ofMillis(300));

      CompletionStage<ServiceAccountLookup> first = directory.find("shop", "web");
      CompletionStage<ServiceAccountLookup> second = directory.find("shop", "web");
      long started = System.nanoTime();
      ServiceAccountLookup lookup = first.toCompletableFuture().get(10, TimeUnit.SECONDS);

      assertThat(second).isSameAs(first);
      assertThat(lookup)
          .isInstanceOfSatisfying(
              ServiceAccountLookup.Unavailable.class,
              unavailable -> assertThat(unavailable.reason()).contains("within 300 ms"));
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
      assertThat(lookups("timed_out")).isEqualTo(1);
      directory.close();
      for (Socket socket : accepted) {
        socket.close();
      }
    }
  }

  private static void acceptForever(ServerSocket server, List<Socket> accepted) {
    try {
      while (!server.isClosed()) {
        accepted.add(server.accept());
      }
    } catch (IOException e) {
      // closed at the end of the test
    }
  }
}
