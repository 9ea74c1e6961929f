package io.podium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The plain manifests in deploy/ are the chart's rendering (deploy/render.sh) and say what the docs
 * promise: least-privilege RBAC, a host-network DaemonSet with its node from the downward API, the
 * interception rule installed by an init container with NET_ADMIN and NET_RAW only, an agent with
 * no Kubernetes rights, a non-root server with its leases, and probes on the operations port.
 */
class DeployManifestsTest {

  private final KubernetesSerialization serialization = new KubernetesSerialization();

  private List<HasMetadata> read(String file) throws Exception {
    Object parsed = serialization.unmarshal(Files.readString(Path.of("deploy", file)));
    @SuppressWarnings("unchecked")
    List<HasMetadata> objects =
        parsed instanceof List<?> list ? (List<HasMetadata>) list : List.of((HasMetadata) parsed);
    return objects;
  }

  private static <T> Stream<T> all(List<HasMetadata> objects, Class<T> kind) {
    return objects.stream().filter(kind::isInstance).map(kind::cast);
  }

  private static <T> T named(List<HasMetadata> objects, Class<T> kind, String name) {
    return all(objects, kind)
        .filter(o -> ((HasMetadata) o).getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind.getSimpleName() + " " + name));
  }

  @Test
  void deployIsTheChartsRendering() throws Exception {
    boolean write = Boolean.getBoolean("podium.deploy.write");
    if (write) {
      DeployRendering.writeAll();
    }
    for (DeployRendering.DeployFile file : DeployRendering.FILES) {
      assertThat(Files.readString(file.path()))
          .as("%s is stale: run deploy/render.sh", file.path())
          .isEqualTo(DeployRendering.render(file));
    }
    // Nothing hand-written sits beside the rendered files.
    for (Path directory : List.of(Path.of("deploy"), Path.of("deploy/uninstall"))) {
      try (Stream<Path> files = Files.list(directory)) {
        assertThat(files.filter(p -> p.toString().endsWith(".yaml")))
            .containsExactlyInAnyOrderElementsOf(
                DeployRendering.FILES.stream()
                    .map(DeployRendering.DeployFile::path)
                    .filter(p -> p.getParent().equals(directory))
                    .toList());
      }
    }
  }

  /**
   * deploy/uninstall/: the chart's pre-delete hook as plain manifests, for {@code kubectl apply}
   * before {@code kubectl delete}: a Job that stops the node DaemonSet of the file beside it, then
   * removes the rule on every node, with rights on this namespace's DaemonSets and pods only.
   */
  @ParameterizedTest
  @CsvSource({"standalone, kube-system, podium", "agent-server, podium, podium-agent"})
  void theUninstallJobStopsTheNodeDaemonSetOfItsModeAndThenCleansEveryNode(
      String mode, String namespace, String nodeDaemonSet) throws Exception {
    List<HasMetadata> uninstall = read("uninstall/" + mode + ".yaml");
    List<HasMetadata> installed = read(mode + ".yaml");

    assertThat(uninstall)
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "ServiceAccount/podium-uninstall",
            "Role/podium-uninstall",
            "RoleBinding/podium-uninstall",
            "ConfigMap/podium-uninstall",
            "Job/podium-uninstall");
    assertThat(uninstall)
        .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo(namespace));
    named(installed, DaemonSet.class, nodeDaemonSet);
    Job job = named(uninstall, Job.class, "podium-uninstall");
    assertThat(job.getSpec().getTemplate().getSpec().getContainers().getFirst().getArgs())
        .containsExactly(
            "uninstall-nodes",
            "--namespace=" + namespace,
            "--daemonset=" + nodeDaemonSet,
            "--cleanup-daemonset=/etc/podium/uninstall/cleanup-daemonset.yaml",
            "--timeout=4m",
            "--log-format=json");
    DaemonSet cleanup =
        serialization.unmarshal(
            named(uninstall, ConfigMap.class, "podium-uninstall")
                .getData()
                .get("cleanup-daemonset.yaml"),
            DaemonSet.class);
    PodSpec pod = cleanup.getSpec().getTemplate().getSpec();
    // The same nodes and host access as the init container that installed the rule.
    PodSpec node =
        named(installed, DaemonSet.class, nodeDaemonSet).getSpec().getTemplate().getSpec();
    assertThat(pod.getHostNetwork()).isTrue();
    assertThat(pod.getTolerations()).isEqualTo(node.getTolerations());
    Container init = pod.getInitContainers().getFirst();
    assertThat(init.getImage()).isEqualTo(node.getInitContainers().getFirst().getImage());
    assertThat(init.getArgs()).startsWith("standalone", "--cleanup");
    assertNetAdminOnly(init);
    assertXtablesLock(pod, init);
    Role role = named(uninstall, Role.class, "podium-uninstall");
    assertThat(role.getRules())
        .extracting(rule -> rule.getApiGroups() + " " + rule.getResources() + " " + rule.getVerbs())
        .containsExactly(
            "[apps] [daemonsets] [get, list, watch, create, delete]", "[] [pods] [list, watch]");
  }

  @Test
  void standaloneReadsPodsNamespacesAndServiceAccountsAndCreatesEventsOnly() throws Exception {
    List<HasMetadata> standalone = read("standalone.yaml");

    ClusterRole role = named(standalone, ClusterRole.class, "podium");
    assertThat(role.getRules()).hasSize(3);
    PolicyRule read = role.getRules().get(0);
    assertThat(read.getApiGroups()).containsExactly("");
    assertThat(read.getResources())
        .containsExactlyInAnyOrder("pods", "namespaces", "serviceaccounts");
    assertThat(read.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch");
    PolicyRule events = role.getRules().get(1);
    assertThat(events.getResources()).containsExactly("events");
    assertThat(events.getVerbs()).containsExactly("create");
    // The signing keys that verify pods' tokens on the container-credentials endpoint.
    PolicyRule keys = role.getRules().get(2);
    assertThat(keys.getNonResourceURLs())
        .containsExactly("/.well-known/openid-configuration", "/openid/v1/jwks");
    assertThat(keys.getVerbs()).containsExactly("get");
    ClusterRoleBinding binding = named(standalone, ClusterRoleBinding.class, "podium");
    assertThat(binding.getSubjects().getFirst().getName()).isEqualTo("podium");
    assertThat(binding.getSubjects().getFirst().getNamespace()).isEqualTo("kube-system");
    // Without --ready-taint there are no rights on nodes at all.
    assertThat(all(standalone, ClusterRole.class))
        .flatExtracting(ClusterRole::getRules)
        .flatExtracting(PolicyRule::getResources)
        .doesNotContain("nodes", "secrets");
  }

  @Test
  void standaloneRunsOnTheHostNetworkWithItsNodeFromTheDownwardApiAndOnlyNetAdmin()
      throws Exception {
    DaemonSet daemonSet = named(read("standalone.yaml"), DaemonSet.class, "podium");
    PodSpec pod = daemonSet.getSpec().getTemplate().getSpec();

    assertThat(pod.getHostNetwork()).isTrue();
    assertThat(pod.getServiceAccountName()).isEqualTo("podium");
    assertThat(pod.getPriorityClassName()).isEqualTo("system-node-critical");
    Container container = pod.getContainers().getFirst();
    assertThat(container.getArgs()).first().isEqualTo("standalone");
    assertDownwardApi(container);
    assertThat(container.getArgs()).contains("--iptables", "--host-ip=$(HOST_IP)");
    Container init = pod.getInitContainers().getFirst();
    assertThat(init.getArgs()).contains("standalone", "--install-rules-only");
    assertNetAdminOnly(container, init);
    assertXtablesLock(pod, container, init);
    assertProbes(container);
  }

  @Test
  void theAgentRunsOnTheHostNetworkWithABoundProjectedTokenAndNoKubernetesRights()
      throws Exception {
    List<HasMetadata> objects = read("agent-server.yaml");

    ServiceAccount account = named(objects, ServiceAccount.class, "podium-agent");
    assertThat(account.getAutomountServiceAccountToken()).isFalse();
    // No binding of any kind names the agent's service account.
    assertThat(all(objects, ClusterRoleBinding.class))
        .flatExtracting(ClusterRoleBinding::getSubjects)
        .noneMatch(subject -> subject.getName().equals("podium-agent"));
    assertThat(all(objects, RoleBinding.class))
        .flatExtracting(RoleBinding::getSubjects)
        .noneMatch(subject -> subject.getName().equals("podium-agent"));

    PodSpec pod = named(objects, DaemonSet.class, "podium-agent").getSpec().getTemplate().getSpec();
    assertThat(pod.getHostNetwork()).isTrue();
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
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
    Container container = pod.getContainers().getFirst();
    assertThat(container.getArgs())
        .startsWith("agent")
        .contains(
            "--server=podium-server.podium.svc:8443",
            "--token-file=/var/run/secrets/podium/token",
            "--iptables");
    assertDownwardApi(container);
    Container init = pod.getInitContainers().getFirst();
    assertThat(init.getArgs()).contains("agent", "--install-rules-only");
    assertNetAdminOnly(container, init);
    assertXtablesLock(pod, container, init);
    assertProbes(container);
  }

  @Test
  void theServerMayReviewTokensAndKeepLeasesAndRunsNonRootBehindAHeadlessService()
      throws Exception {
    List<HasMetadata> objects = read("agent-server.yaml");

    ClusterRole role = named(objects, ClusterRole.class, "podium-server");
    assertThat(role.getRules())
        .extracting(rule -> rule.getApiGroups() + " " + rule.getResources() + " " + rule.getVerbs())
        .containsExactlyInAnyOrder(
            "[] [pods, namespaces, serviceaccounts] [get, list, watch]",
            "[authentication.k8s.io] [tokenreviews] [create]",
            "[] [events] [create]",
            "[] [] [get]");
    assertThat(role.getRules().getLast().getNonResourceURLs())
        .containsExactly("/.well-known/openid-configuration", "/openid/v1/jwks");
    Role leases = named(objects, Role.class, "podium-server-leases");
    assertThat(leases.getMetadata().getNamespace()).isEqualTo("podium");
    assertThat(leases.getRules().getFirst().getResources()).containsExactly("leases");
    assertThat(named(objects, Service.class, "podium-server").getSpec().getClusterIP())
        .isEqualTo("None");
    assertThat(named(objects, ServiceAccount.class, "podium-server").getMetadata().getAnnotations())
        .containsKey("eks.amazonaws.com/role-arn");

    Deployment deployment = named(objects, Deployment.class, "podium-server");
    assertThat(deployment.getSpec().getReplicas()).isGreaterThanOrEqualTo(2);
    assertThat(
            deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
        .isZero();
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
    assertThat(container.getArgs())
        .startsWith("server")
        .contains(
            "--agent-auth=token",
            "--lease-namespace=podium",
            "--agent-service-account=podium:podium-agent")
        .noneMatch(arg -> arg.startsWith("--pods-file"));
    var security = container.getSecurityContext();
    assertThat(security.getRunAsNonRoot()).isTrue();
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getAllowPrivilegeEscalation()).isFalse();
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(security.getCapabilities().getAdd()).isNullOrEmpty();
    assertProbes(container);

    PodDisruptionBudget budget = named(objects, PodDisruptionBudget.class, "podium-server");
    assertThat(budget.getSpec().getSelector().getMatchLabels())
        .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    Namespace namespace = named(objects, Namespace.class, "podium");
    assertThat(namespace.getMetadata().getLabels())
        .containsEntry("pod-security.kubernetes.io/enforce", "privileged");
  }

  @Test
  void certManagerIssuesPkcs8EcdsaCertificatesForTheHeadlessServiceAndTheSecretsMounted()
      throws Exception {
    List<HasMetadata> certificates = read("cert-manager.yaml");
    List<HasMetadata> objects = read("agent-server.yaml");

    GenericKubernetesResource server =
        certificates.stream()
            .filter(o -> o.getKind().equals("Certificate"))
            .filter(o -> o.getMetadata().getName().equals("podium-server"))
            .map(GenericKubernetesResource.class::cast)
            .findFirst()
            .orElseThrow();
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) server.getAdditionalProperties().get("spec");
    assertThat(spec.get("dnsNames").toString()).contains("podium-server.podium.svc");
    assertThat(spec.get("privateKey").toString()).contains("PKCS8", "ECDSA");
    List<String> secretNames =
        certificates.stream()
            .filter(o -> o.getKind().equals("Certificate"))
            .map(o -> ((GenericKubernetesResource) o).getAdditionalProperties().get("spec"))
            .map(s -> (String) ((Map<?, ?>) s).get("secretName"))
            .toList();
    assertThat(secretNames).contains("podium-server-tls", "podium-agent-tls");
    for (String workload : List.of("podium-server", "podium-agent")) {
      PodSpec pod =
          workload.equals("podium-server")
              ? named(objects, Deployment.class, workload).getSpec().getTemplate().getSpec()
              : named(objects, DaemonSet.class, workload).getSpec().getTemplate().getSpec();
      assertThat(pod.getVolumes())
          .filteredOn(v -> v.getSecret() != null)
          .extracting(v -> v.getSecret().getSecretName())
          .containsExactly(workload + "-tls");
    }
  }

  @Test
  void theWebhookReadsAccountsAndNamespacesCreatesEventsAndRunsTwoNonRootReplicas()
      throws Exception {
    List<HasMetadata> objects = read("webhook.yaml");

    ClusterRole role = named(objects, ClusterRole.class, "podium-webhook");
    assertThat(role.getRules())
        .extracting(rule -> rule.getApiGroups() + " " + rule.getResources() + " " + rule.getVerbs())
        .containsExactlyInAnyOrder(
            "[] [serviceaccounts, namespaces] [get, list, watch]", "[] [events] [create]");
    assertThat(named(objects, ClusterRoleBinding.class, "podium-webhook").getSubjects().getFirst())
        .satisfies(
            subject -> {
              assertThat(subject.getName()).isEqualTo("podium-webhook");
              assertThat(subject.getNamespace()).isEqualTo("podium");
            });

    Deployment deployment = named(objects, Deployment.class, "podium-webhook");
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(
            deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
        .isZero();
    // Its own pods are never sent to it.
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("podium.io/skip", "true");
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
    assertThat(container.getArgs())
        .startsWith("webhook")
        .contains(
            "--listen=0.0.0.0:8443",
            "--tls-cert=/etc/podium/tls/tls.crt",
            "--tls-key=/etc/podium/tls/tls.key",
            "--aws-default-region=us-east-1",
            "--sts-regional-endpoint=true");
    var security = container.getSecurityContext();
    assertThat(security.getRunAsNonRoot()).isTrue();
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getCapabilities().getAdd()).isNullOrEmpty();
    assertProbes(container);
    assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes())
        .filteredOn(v -> v.getSecret() != null)
        .extracting(v -> v.getSecret().getSecretName())
        .containsExactly("podium-webhook-tls");

    PodDisruptionBudget budget = named(objects, PodDisruptionBudget.class, "podium-webhook");
    assertThat(budget.getSpec().getSelector().getMatchLabels())
        .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    Service service = named(objects, Service.class, "podium-webhook");
    assertThat(service.getSpec().getPorts().getFirst().getPort()).isEqualTo(443);
    assertThat(service.getSpec().getSelector())
        .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
  }

  @Test
  void theWebhookIsCalledOnPodCreationOnlyReinvokedIfNeededAndKeepsSkippedPodsAndKubeSystemOut()
      throws Exception {
    List<HasMetadata> objects = read("webhook.yaml");

    MutatingWebhookConfiguration configuration =
        named(objects, MutatingWebhookConfiguration.class, "podium-webhook");
    assertThat(configuration.getMetadata().getAnnotations())
        .containsEntry("cert-manager.io/inject-ca-from", "podium/podium-webhook");
    MutatingWebhook webhook = configuration.getWebhooks().getFirst();
    assertThat(webhook.getAdmissionReviewVersions()).containsExactly("v1", "v1beta1");
    assertThat(webhook.getClientConfig().getService().getName()).isEqualTo("podium-webhook");
    assertThat(webhook.getClientConfig().getService().getPath()).isEqualTo("/mutate");
    assertThat(webhook.getRules())
        .singleElement()
        .satisfies(
            rule -> {
              assertThat(rule.getOperations()).containsExactly("CREATE");
              assertThat(rule.getResources()).containsExactly("pods");
            });
    assertThat(webhook.getFailurePolicy()).isEqualTo("Ignore");
    assertThat(webhook.getReinvocationPolicy()).isEqualTo("IfNeeded");
    assertThat(webhook.getSideEffects()).isEqualTo("None");
    assertThat(webhook.getTimeoutSeconds()).isEqualTo(10);
    assertThat(webhook.getObjectSelector().getMatchExpressions())
        .extracting(e -> e.getKey() + " " + e.getOperator())
        .containsExactlyInAnyOrder(
            "eks.amazonaws.com/skip-pod-identity-webhook DoesNotExist",
            "podium.io/skip DoesNotExist");
    assertThat(webhook.getNamespaceSelector().getMatchExpressions())
        .anySatisfy(
            e -> {
              assertThat(e.getKey()).isEqualTo("kubernetes.io/metadata.name");
              assertThat(e.getOperator()).isEqualTo("NotIn");
              assertThat(e.getValues()).containsExactly("kube-system");
            });
    // The account's lookup gives up before the API server gives up on the webhook.
    Container container =
        named(objects, Deployment.class, "podium-webhook")
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .getFirst();
    assertThat(container.getArgs()).contains("--service-account-lookup-timeout=3s");
  }

  @Test
  void certManagerIssuesTheWebhookCertificateForItsServiceFromACaOfItsOwn() throws Exception {
    List<HasMetadata> certificates = read("webhook-cert-manager.yaml");

    GenericKubernetesResource webhook =
        certificates.stream()
            .filter(o -> o.getKind().equals("Certificate"))
            .filter(o -> o.getMetadata().getName().equals("podium-webhook"))
            .map(GenericKubernetesResource.class::cast)
            .findFirst()
            .orElseThrow();
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) webhook.getAdditionalProperties().get("spec");
    assertThat(spec.get("secretName")).isEqualTo("podium-webhook-tls");
    assertThat(spec.get("dnsNames").toString()).contains("podium-webhook.podium.svc");
    assertThat(spec.get("issuerRef").toString()).contains("podium-webhook-ca");
    assertThat(certificates)
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .contains("Certificate/podium-webhook-ca", "Issuer/podium-webhook-ca");
  }

  @Test
  void theTryARoleExampleIsAPodInANamespaceThatPermitsItsRole() throws Exception {
    Object parsed =
        serialization.unmarshal(Files.readString(Path.of("deploy/examples/try-a-role.yaml")));
    @SuppressWarnings("unchecked")
    List<HasMetadata> objects = (List<HasMetadata>) parsed;
    objects.forEach(KubernetesObjects::assertValid);

    Namespace namespace = all(objects, Namespace.class).findFirst().orElseThrow();
    var pod = all(objects, io.fabric8.kubernetes.api.model.Pod.class).findFirst().orElseThrow();
    String role = pod.getMetadata().getAnnotations().get("iam.amazonaws.com/role");
    String permitted = namespace.getMetadata().getAnnotations().get("iam.amazonaws.com/permitted");
    assertThat(pod.getMetadata().getNamespace()).isEqualTo(namespace.getMetadata().getName());
    assertThat(role).matches(permitted);
    assertThat(pod.getSpec().getContainers().getFirst().getCommand())
        .contains("aws", "sts", "get-caller-identity");
  }

  private static void assertDownwardApi(Container container) {
    assertThat(container.getEnv())
        .anySatisfy(
            env -> {
              assertThat(env.getName()).isEqualTo("NODE_NAME");
              assertThat(env.getValueFrom().getFieldRef().getFieldPath())
                  .isEqualTo("spec.nodeName");
            })
        .anySatisfy(
            env -> {
              assertThat(env.getName()).isEqualTo("HOST_IP");
              assertThat(env.getValueFrom().getFieldRef().getFieldPath())
                  .isEqualTo("status.hostIP");
            });
  }

  private static void assertNetAdminOnly(Container... containers) {
    for (Container each : containers) {
      var security = each.getSecurityContext();
      assertThat(security.getAllowPrivilegeEscalation()).isFalse();
      assertThat(security.getReadOnlyRootFilesystem()).isTrue();
      assertThat(security.getPrivileged()).isNotEqualTo(true);
      assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
      assertThat(security.getCapabilities().getAdd())
          .containsExactlyInAnyOrder("NET_ADMIN", "NET_RAW");
    }
  }

  private static void assertXtablesLock(PodSpec pod, Container... containers) {
    assertThat(pod.getVolumes())
        .anySatisfy(
            v -> {
              assertThat(v.getName()).isEqualTo("xtables-lock");
              assertThat(v.getHostPath().getPath()).isEqualTo("/run/xtables.lock");
            });
    for (Container each : containers) {
      assertThat(each.getVolumeMounts())
          .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/run/xtables.lock"));
    }
  }

  /** Readiness and liveness on the operations port, which the container declares. */
  private static void assertProbes(Container container) {
    assertThat(container.getPorts())
        .anySatisfy(port -> assertThat(port.getName()).isEqualTo("metrics"));
    Probe ready = container.getReadinessProbe();
    Probe live = container.getLivenessProbe();
    assertThat(ready.getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(ready.getHttpGet().getPort().getStrVal()).isEqualTo("metrics");
    assertThat(live.getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(live.getHttpGet().getPort().getStrVal()).isEqualTo("metrics");
    assertThat(container.getArgs()).contains("--metrics-listen=0.0.0.0:9180");
  }
}
