package io.podium.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The manifests in deploy/ say what the docs promise: the smallest RBAC, a safe DaemonSet. */
class DeployManifestsTest {

  private final KubernetesSerialization serialization = new KubernetesSerialization();

  private List<HasMetadata> read(String file) throws Exception {
    Object parsed = serialization.unmarshal(Files.readString(Path.of("deploy", file)));
    @SuppressWarnings("unchecked")
    List<HasMetadata> objects =
        parsed instanceof List<?> list ? (List<HasMetadata>) list : List.of((HasMetadata) parsed);
    return objects;
  }

  @Test
  void theClusterRoleReadsPodsNamespacesAndServiceAccountsAndCreatesEventsOnly() throws Exception {
    ClusterRole role =
        read("rbac.yaml").stream()
            .filter(ClusterRole.class::isInstance)
            .map(ClusterRole.class::cast)
            .findFirst()
            .orElseThrow();

    assertThat(role.getRules()).hasSize(2);
    PolicyRule read = role.getRules().get(0);
    assertThat(read.getApiGroups()).containsExactly("");
    assertThat(read.getResources())
        .containsExactlyInAnyOrder("pods", "namespaces", "serviceaccounts");
    assertThat(read.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch");
    PolicyRule events = role.getRules().get(1);
    assertThat(events.getResources()).containsExactly("events");
    assertThat(events.getVerbs()).containsExactly("create");
    assertThat(read("rbac.yaml"))
        .extracting(HasMetadata::getKind)
        .contains("ServiceAccount", "ClusterRoleBinding");
  }

  @Test
  void theDaemonSetRunsOnTheHostNetworkWithItsNodeFromTheDownwardApiAndNoPrivileges()
      throws Exception {
    DaemonSet daemonSet = (DaemonSet) read("standalone-daemonset.yaml").getFirst();
    PodSpec pod = daemonSet.getSpec().getTemplate().getSpec();

    assertThat(pod.getHostNetwork()).isTrue();
    assertThat(pod.getServiceAccountName()).isEqualTo("podium");
    var container = pod.getContainers().getFirst();
    assertThat(container.getArgs()).first().isEqualTo("standalone");
    assertThat(container.getEnv())
        .anySatisfy(
            env -> {
              assertThat(env.getName()).isEqualTo("NODE_NAME");
              assertThat(env.getValueFrom().getFieldRef().getFieldPath())
                  .isEqualTo("spec.nodeName");
            });
    var security = container.getSecurityContext();
    assertThat(security.getRunAsNonRoot()).isTrue();
    assertThat(security.getAllowPrivilegeEscalation()).isFalse();
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
  }
}
