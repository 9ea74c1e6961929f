package io.podium.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** deploy/ for agent and server says what docs/server.md promises. */
class AgentServerManifestsTest {

  private final KubernetesSerialization serialization = new KubernetesSerialization();

  private List<HasMetadata> read(String file) throws Exception {
    Object parsed = serialization.unmarshal(Files.readString(Path.of("deploy", file)));
    @SuppressWarnings("unchecked")
    List<HasMetadata> objects =
        parsed instanceof List<?> list ? (List<HasMetadata>) list : List.of((HasMetadata) parsed);
    return objects;
  }

  private static <T> T only(List<HasMetadata> objects, Class<T> kind) {
    return objects.stream().filter(kind::isInstance).map(kind::cast).findFirst().orElseThrow();
  }

  @Test
  void theServerMayReviewTokensAndKeepLeasesAndRunsBehindAHeadlessService() throws Exception {
    List<HasMetadata> server = read("server.yaml");

    ClusterRole role = only(server, ClusterRole.class);
    assertThat(role.getRules())
        .anySatisfy(
            rule -> {
              assertThat(rule.getResources()).containsExactly("tokenreviews");
              assertThat(rule.getVerbs()).containsExactly("create");
            });
    assertThat(role.getRules())
        .noneSatisfy(rule -> assertThat(rule.getResources()).contains("secrets"));
    Role leases = only(server, Role.class);
    assertThat(leases.getRules().getFirst().getResources()).containsExactly("leases");
    assertThat(only(server, Service.class).getSpec().getClusterIP()).isEqualTo("None");
    Deployment deployment = only(server, Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isGreaterThanOrEqualTo(2);
    assertThat(
            deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
        .isZero();
    var container = deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
    assertThat(container.getArgs())
        .contains("server", "--agent-auth=token", "--lease-namespace=podium")
        .noneMatch(arg -> arg.startsWith("--pods-file"));
    assertThat(container.getReadinessProbe().getGrpc().getPort()).isEqualTo(8444);
  }

  @Test
  void theAgentRunsOnTheHostNetworkWithABoundProjectedTokenAndNoApiCredentials() throws Exception {
    List<HasMetadata> agent = read("agent.yaml");

    PodSpec pod = only(agent, DaemonSet.class).getSpec().getTemplate().getSpec();
    assertThat(pod.getHostNetwork()).isTrue();
    assertThat(
            only(agent, io.fabric8.kubernetes.api.model.ServiceAccount.class)
                .getAutomountServiceAccountToken())
        .isFalse();
    var token =
        pod.getVolumes().stream()
            .filter(v -> v.getProjected() != null)
            .findFirst()
            .orElseThrow()
            .getProjected()
            .getSources()
            .getFirst()
            .getServiceAccountToken();
    assertThat(token.getAudience()).isEqualTo("podium");
    var container = pod.getContainers().getFirst();
    assertThat(container.getArgs())
        .contains("agent", "--token-file=/var/run/secrets/podium/token", "--node=$(NODE_NAME)");
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
  }

  @Test
  void certManagerIssuesPkcs8EcdsaCertificatesForTheHeadlessServiceNames() throws Exception {
    List<HasMetadata> certificates = read("cert-manager.yaml");

    GenericKubernetesResource server =
        certificates.stream()
            .filter(
                o ->
                    o.getKind().equals("Certificate")
                        && o.getMetadata().getName().equals("podium-server"))
            .map(GenericKubernetesResource.class::cast)
            .findFirst()
            .orElseThrow();
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) server.getAdditionalProperties().get("spec");
    assertThat(spec.get("dnsNames").toString()).contains("podium-server.podium.svc");
    assertThat(spec.get("privateKey").toString()).contains("PKCS8", "ECDSA");
  }
}
