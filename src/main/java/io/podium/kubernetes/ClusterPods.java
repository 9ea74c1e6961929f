package io.podium.kubernetes;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.podium.core.pod.PodIdentity;
import io.podium.core.role.NamespacePolicy;
import io.podium.core.role.RoleBaseArn;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * One-shot reads of the cluster for {@code podium explain}: a pod by name or IP, projected as the
 * informers project it (its service account's role included), and its namespace's policy. No watch
 * and no cache: the serving processes use {@link InformerPodDirectory}.
 */
public final class ClusterPods {

  private final KubernetesClient client;
  private final Optional<RoleBaseArn> roleBaseArn;

  public ClusterPods(KubernetesClient client, Optional<RoleBaseArn> roleBaseArn) {
    this.client = client;
    this.roleBaseArn = roleBaseArn;
  }

  /** The pod {@code namespace/name}, if the cluster has it. */
  public Optional<PodIdentity> byName(String namespace, String name) {
    return Optional.ofNullable(client.pods().inNamespace(namespace).withName(name).get())
        .map(this::project);
  }

  /** Every pod whose {@code status.podIP} is {@code ip}, live or not: the caller judges. */
  public List<PodIdentity> byIp(InetAddress ip) {
    return client
        .pods()
        .inAnyNamespace()
        .withField("status.podIP", ip.getHostAddress())
        .list()
        .getItems()
        .stream()
        .map(this::project)
        .toList();
  }

  /** {@code namespace}'s policy as the informers compile it; unannotated when it is missing. */
  public NamespacePolicy namespacePolicy(String namespace) {
    Namespace found = client.namespaces().withName(namespace).get();
    return found == null
        ? NamespacePolicy.unannotated(namespace)
        : NamespaceProjection.project(found, roleBaseArn);
  }

  private PodIdentity project(Pod pod) {
    PodIdentity projected = PodProjection.project(pod, null);
    ServiceAccount account =
        client
            .serviceAccounts()
            .inNamespace(projected.namespace())
            .withName(projected.serviceAccount())
            .get();
    return account == null
        ? projected
        : PodProjection.project(pod, PodProjection.serviceAccountRoleArn(account));
  }
}
