package io.podium.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.podium.cli.PodiumCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * charts/podium rendered and linted by the real Helm engine for each documented mode (the values
 * files in charts/podium/ci/ and deploy/values/): valid Kubernetes objects only, and containers
 * whose arguments Podium's own command line accepts.
 */
class ChartTest {

  static Stream<Path> valuesFiles() {
    return Stream.of(
        Path.of("charts/podium/ci/default-values.yaml"),
        Path.of("charts/podium/ci/standalone-values.yaml"),
        Path.of("charts/podium/ci/agent-server-values.yaml"),
        Path.of("charts/podium/ci/agent-server-podium-certs-values.yaml"),
        Path.of("charts/podium/ci/webhook-values.yaml"),
        Path.of("charts/podium/ci/webhook-podium-certs-values.yaml"),
        Path.of("deploy/values/standalone.yaml"),
        Path.of("deploy/values/agent-server.yaml"),
        Path.of("deploy/values/webhook.yaml"));
  }

  static List<HasMetadata> objects(Path values) {
    return objects(values, Map.of());
  }

  static List<HasMetadata> objects(Path values, Map<String, String> set) {
    return HelmChart.documents(HelmChart.render("podium", values, set)).stream()
        .map(HelmChart.Document::object)
        .toList();
  }

  static List<PodSpec> podSpecs(List<HasMetadata> objects) {
    List<PodSpec> specs = new ArrayList<>();
    for (HasMetadata object : objects) {
      if (object instanceof DaemonSet daemonSet) {
        specs.add(daemonSet.getSpec().getTemplate().getSpec());
      } else if (object instanceof Deployment deployment) {
        specs.add(deployment.getSpec().getTemplate().getSpec());
      }
    }
    return specs;
  }

  /** Every pod the chart may run: the workloads, the hook's Job and the DaemonSet it creates. */
  static List<PodSpec> allPodSpecs(List<HasMetadata> objects) {
    List<PodSpec> specs = new ArrayList<>(podSpecs(objects));
    for (HasMetadata object : objects) {
      if (object instanceof Job job) {
        specs.add(job.getSpec().getTemplate().getSpec());
      } else if (object instanceof ConfigMap map
          && map.getData() != null
          && map.getData().containsKey(CLEANUP_DAEMONSET)) {
        specs.add(cleanupDaemonSet(map).getSpec().getTemplate().getSpec());
      }
    }
    return specs;
  }

  static final String CLEANUP_DAEMONSET = "cleanup-daemonset.yaml";

  static DaemonSet cleanupDaemonSet(ConfigMap map) {
    return new KubernetesSerialization()
        .unmarshal(map.getData().get(CLEANUP_DAEMONSET), DaemonSet.class);
  }

  static <T extends HasMetadata> T only(List<HasMetadata> objects, Class<T> kind) {
    List<T> found = objects.stream().filter(kind::isInstance).map(kind::cast).toList();
    assertThat(found).as("one %s", kind.getSimpleName()).hasSize(1);
    return found.getFirst();
  }

  /** The message of a rendering without a region, in either mode that needs one. */
  static final String SET_THE_REGION =
      "podium: set aws.region (for example --set aws.region=eu-west-1), or aws.region=auto to"
          + " read it from each node's metadata service (mode standalone)";

  static final Path DEFAULTS = Path.of("charts/podium/values.yaml");

  @Test
  void lintsWithoutErrorsOrWarningsOnceTheRegionIsSet(@TempDir Path directory) throws Exception {
    Path chart =
        HelmChart.copyWithValues(
            directory, values -> values.replace("  region: \"\"\n", "  region: eu-west-1\n"));

    LintResult lint = HelmChart.lint(chart);

    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    assertThat(lint.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
  }

  /**
   * {@code helm lint charts/podium} as CI runs it passes: helm lint takes a template's {@code fail}
   * (the missing region) for a required value, not for an error.
   */
  @Test
  void lintingTheDefaultsAsIsPasses() {
    LintResult lint = HelmChart.lint(HelmChart.CHART);

    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    assertThat(lint.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"standalone", "agent-server"})
  void renderingWithoutARegionFailsSayingHowToSetIt(String mode) {
    assertThatThrownBy(() -> HelmChart.render("podium", DEFAULTS, Map.of("mode", mode)))
        .hasMessageContaining(SET_THE_REGION);
  }

  @Test
  void theWebhookAloneNeedsNoRegion() {
    assertThat(
            objects(
                DEFAULTS,
                Map.of(
                    "mode", "none",
                    "webhook.enabled", "true")))
        .extracting(HasMetadata::getKind)
        .contains("MutatingWebhookConfiguration");
  }

  @Test
  void regionAutoReachesStandaloneWhichReadsItFromEachNode() {
    List<HasMetadata> objects = objects(DEFAULTS, Map.of("aws.region", "auto"));

    assertThat(podSpecs(objects).getFirst().getContainers().getFirst().getArgs())
        .startsWith("standalone")
        .contains("--region=auto");
  }

  @Test
  void regionAutoIsRefusedInAgentServerModeWhoseServerRunsInAPod() {
    assertThatThrownBy(
            () ->
                HelmChart.render(
                    "podium", DEFAULTS, Map.of("mode", "agent-server", "aws.region", "auto")))
        .hasMessageContaining(
            "podium: aws.region=auto works in mode standalone only: podium server runs in a pod"
                + " and cannot read a node's metadata service; set the region, for example --set"
                + " aws.region=eu-west-1");
    assertThatThrownBy(
            () ->
                HelmChart.render(
                    "podium",
                    DEFAULTS,
                    Map.of(
                        "mode", "agent-server",
                        "aws.region", "eu-west-1",
                        "aws.roleBaseArn", "auto")))
        .hasMessageContaining("podium: aws.roleBaseArn=auto works in mode standalone only");
  }

  /** values.schema.json: Helm refuses values it does not describe, naming the key. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "aws.regoin | eu-west-1 | Additional property regoin is not allowed",
        "regoin | eu-west-1 | Additional property regoin is not allowed",
        "metadata.port | http | metadata.port: Invalid type. Expected: integer, given: string",
        "mode | kube2iam | mode: mode must be one of the following",
        "aws.region | eu-west1 | aws.region: Does not match pattern",
        "aws.roleBaseArn | arn:aws:iam::12345:role/ | aws.roleBaseArn: Does not match pattern",
        "interception.backend | iptables | interception.backend: interception.backend must be one of",
        "logs.format | yaml | logs.format: logs.format must be one of the following",
      })
  void aMisspeltKeyOrAWrongValueFailsWithHelmsSchemaError(String key, String value, String error) {
    assertThatThrownBy(
            () ->
                HelmChart.render(
                    "podium", Path.of("charts/podium/ci/default-values.yaml"), Map.of(key, value)))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining(error);
  }

  @Test
  void theSchemaDescribesEveryDefaultValue() throws Exception {
    JsonNode schema =
        JsonMapper.builder()
            .build()
            .readTree(Files.readString(HelmChart.CHART.resolve("values.schema.json")));
    @SuppressWarnings("unchecked")
    Map<String, Object> defaults =
        (Map<String, Object>)
            new Load(LoadSettings.builder().build()).loadFromString(Files.readString(DEFAULTS));

    assertThat(schema.get("$schema").asString())
        .isEqualTo("http://json-schema.org/draft-07/schema#");
    assertThat(undescribed(schema, defaults, "")).isEmpty();
  }

  /** The keys of {@code values} (nested) that {@code schema} has no property for. */
  private static List<String> undescribed(
      JsonNode schema, Map<String, Object> values, String path) {
    List<String> missing = new ArrayList<>();
    JsonNode properties = schema.get("properties");
    values.forEach(
        (key, value) -> {
          JsonNode property = properties == null ? null : properties.get(key);
          if (property == null) {
            missing.add(path + key);
          } else if (value instanceof Map<?, ?> nested && property.has("properties")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> children = (Map<String, Object>) nested;
            missing.addAll(undescribed(property, children, path + key + "."));
          }
        });
    return missing;
  }

  @Test
  void inAgentServerModeTheAgentAndTheServerGetTheSameRegion() {
    List<HasMetadata> objects =
        objects(DEFAULTS, Map.of("mode", "agent-server", "aws.region", "ap-southeast-2"));

    assertThat(podSpecs(objects))
        .hasSize(2)
        .allSatisfy(
            pod ->
                assertThat(pod.getContainers().getFirst().getArgs())
                    .contains("--region=ap-southeast-2"));
  }

  @Test
  void theValidityCheckCatchesAMisspelledOrMisplacedField() {
    String misspelled =
        """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: podium, namespace: kube-system}
        spec:
          selector: {matchLabels: {app: podium}}
          template:
            metadata: {labels: {app: podium}}
            spec:
              hostNetwrk: true
              containers: [{name: podium, image: podium, securityContext: {readOnlyRootFs: true}}]
        """;

    assertThatThrownBy(
            () ->
                KubernetesObjects.assertValid(
                    new HelmChart.Document("templates/x.yaml", misspelled).object()))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("hostNetwrk")
        .hasMessageContaining("readOnlyRootFs");
  }

  @ParameterizedTest
  @MethodSource("valuesFiles")
  void everyRenderedObjectIsAValidKubernetesObject(Path values) {
    List<HasMetadata> objects = objects(values);

    assertThat(objects).isNotEmpty();
    objects.forEach(KubernetesObjects::assertValid);
    objects.stream()
        .filter(ConfigMap.class::isInstance)
        .map(ConfigMap.class::cast)
        .filter(map -> map.getData() != null && map.getData().containsKey(CLEANUP_DAEMONSET))
        .forEach(map -> KubernetesObjects.assertValid(cleanupDaemonSet(map)));
    assertThat(objects)
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .doesNotHaveDuplicates();
  }

  /** Flags the chart passes are flags Podium has, with values its converters accept. */
  @ParameterizedTest
  @MethodSource("valuesFiles")
  void everyContainerCommandLineParses(Path values) {
    for (PodSpec pod : allPodSpecs(objects(values))) {
      List<Container> containers = new ArrayList<>(pod.getContainers());
      containers.addAll(pod.getInitContainers());
      for (Container container : containers) {
        if (container.getCommand() != null && !container.getCommand().isEmpty()) {
          // Not Podium: the cleanup pods' sleep, which holds them ready.
          continue;
        }
        List<String> args =
            container.getArgs().stream()
                .map(arg -> arg.replace("$(HOST_IP)", "10.0.0.1"))
                .map(arg -> arg.replace("$(POD_NAME)", "podium-server-0"))
                .toList();
        CommandLine commandLine = PodiumCommand.commandLine();
        CommandLine.ParseResult parsed = commandLine.parseArgs(args.toArray(String[]::new));
        assertThat(parsed.hasSubcommand()).as("%s runs a podium command", args).isTrue();
        assertThat(parsed.subcommand().unmatched()).as("unknown arguments in %s", args).isEmpty();
      }
    }
  }

  /**
   * helm uninstall: a pre-delete hook Job (weight 0) after its account, rights and the cleanup
   * DaemonSet's manifest (weight -10), all deleted once it succeeded or before it runs again.
   */
  @ParameterizedTest
  @CsvSource({
    "charts/podium/ci/standalone-values.yaml, podium",
    "charts/podium/ci/agent-server-values.yaml, podium-agent"
  })
  void theUninstallHookStopsTheNodeDaemonSetThenRemovesTheRuleOnEveryNode(
      Path values, String nodeDaemonSet) {
    // helm template (helm-java) leaves hooks out: the same objects without their annotations.
    List<HasMetadata> objects = objects(values, Map.of("uninstall.hook", "false"));
    List<HasMetadata> hooks =
        objects.stream().filter(o -> o.getMetadata().getName().equals("podium-uninstall")).toList();

    assertThat(hooks)
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "ServiceAccount/podium-uninstall",
            "Role/podium-uninstall",
            "RoleBinding/podium-uninstall",
            "ConfigMap/podium-uninstall",
            "Job/podium-uninstall");
    assertThat(hooks).allSatisfy(o -> assertThat(o.getMetadata().getAnnotations()).isNullOrEmpty());
    // The node DaemonSet the Job stops is the chart's.
    assertThat(objects)
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .contains("DaemonSet/" + nodeDaemonSet);
    Job job = only(hooks, Job.class);
    PodSpec jobPod = job.getSpec().getTemplate().getSpec();
    assertThat(job.getSpec().getBackoffLimit()).isZero();
    assertThat(jobPod.getServiceAccountName()).isEqualTo("podium-uninstall");
    Container uninstall = jobPod.getContainers().getFirst();
    assertThat(uninstall.getImage()).isEqualTo("ghcr.io/podium/podium:0.1.0");
    assertThat(uninstall.getArgs())
        .startsWith("uninstall-nodes")
        .contains(
            "--namespace=podium",
            "--daemonset=" + nodeDaemonSet,
            "--cleanup-daemonset=/etc/podium/uninstall/" + CLEANUP_DAEMONSET,
            "--timeout=4m");
    assertThat(uninstall.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(uninstall.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(jobPod.getVolumes())
        .anySatisfy(v -> assertThat(v.getConfigMap().getName()).isEqualTo("podium-uninstall"));
    // Rights on this namespace's DaemonSets and pods, nothing cluster-wide.
    assertThat(objects)
        .filteredOn(ClusterRole.class::isInstance)
        .extracting(o -> o.getMetadata().getName())
        .noneMatch(name -> name.contains("uninstall"));
    var role = only(hooks, io.fabric8.kubernetes.api.model.rbac.Role.class);
    assertThat(role.getRules())
        .extracting(rule -> rule.getApiGroups() + " " + rule.getResources() + " " + rule.getVerbs())
        .containsExactly(
            "[apps] [daemonsets] [get, list, watch, create, delete]", "[] [pods] [list, watch]");

    DaemonSet cleanup = cleanupDaemonSet(only(hooks, ConfigMap.class));
    assertThat(cleanup.getMetadata().getName())
        .isEqualTo("podium-cleanup")
        .isNotEqualTo(nodeDaemonSet);
    PodSpec pod = cleanup.getSpec().getTemplate().getSpec();
    assertThat(pod.getHostNetwork()).isTrue();
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getTolerations()).extracting(t -> t.getOperator()).containsExactly("Exists");
    Container init = pod.getInitContainers().getFirst();
    assertThat(init.getArgs()).startsWith("standalone", "--cleanup");
    assertThat(init.getSecurityContext().getCapabilities().getAdd())
        .containsExactlyInAnyOrder("NET_ADMIN", "NET_RAW");
    assertThat(init.getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/run/xtables.lock"));
    assertThat(pod.getContainers().getFirst().getCommand()).containsExactly("sleep", "infinity");
    assertThat(pod.getContainers().getFirst().getSecurityContext().getRunAsNonRoot()).isTrue();
  }

  /**
   * As hooks, Helm keeps the uninstall objects out of the release's manifest (it runs them on helm
   * uninstall only): the Job (weight 0) after its account, rights and manifest (-10), each deleted
   * once it succeeded, or before it runs again.
   */
  @Test
  void helmTakesTheUninstallObjectsForPreDeleteHooksAndRunsTheJobLast() throws Exception {
    assertThat(objects(Path.of("charts/podium/ci/standalone-values.yaml")))
        .extracting(o -> o.getMetadata().getName())
        .isNotEmpty()
        .doesNotContain("podium-uninstall", "podium-cleanup");
    String template = Files.readString(HelmChart.CHART.resolve("templates/uninstall.yaml"));
    String helpers = Files.readString(HelmChart.CHART.resolve("templates/_helpers.tpl"));

    assertThat(template.split("\n---\n"))
        .hasSize(5)
        .allSatisfy(object -> assertThat(object).contains("include \"podium.uninstallHook\""));
    assertThat(template.split("\n---\n")[4]).startsWith("apiVersion: batch/v1\nkind: Job");
    assertThat(template).containsOnlyOnce("\"weight\" \"0\"");
    assertThat(template.split("\"weight\" \"-10\"")).hasSize(5);
    assertThat(helpers)
        .contains(
            "  helm.sh/hook: pre-delete\n",
            "  helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded\n");
  }

  @Test
  void theCleanupOfTheStandaloneCiValuesRemovesTheContainerCredentialsLinkToo() {
    DaemonSet cleanup =
        cleanupDaemonSet(
            only(
                objects(
                    Path.of("charts/podium/ci/standalone-values.yaml"),
                    Map.of("uninstall.hook", "false")),
                ConfigMap.class));

    assertThat(cleanup.getSpec().getTemplate().getSpec().getInitContainers().getFirst().getArgs())
        .contains(
            "--iptables-backend=auto",
            "--container-credentials-listen=169.254.170.23:80,[fd00:ec2::23]:80",
            "--container-credentials-link=podium-link0");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "uninstall.cleanNodes | false",
        "interception.enabled | false",
        "mode | none",
      })
  void noUninstallHookWhenDisabledOrWithoutARuleOnTheNodes(String key, String value) {
    assertThat(
            objects(
                Path.of("charts/podium/ci/default-values.yaml"),
                Map.of(key, value, "uninstall.hook", "false")))
        .extracting(HasMetadata::getKind)
        .doesNotContain("Job", "ConfigMap");
  }

  @Test
  void standaloneIsOneDaemonSetAndNoServer() {
    List<HasMetadata> objects = objects(Path.of("charts/podium/ci/standalone-values.yaml"));

    assertThat(objects).filteredOn(Deployment.class::isInstance).isEmpty();
    assertThat(objects).filteredOn(DaemonSet.class::isInstance).hasSize(1);
    assertThat(podSpecs(objects).getFirst().getContainers().getFirst().getArgs())
        .startsWith("standalone")
        .contains("--ready-taint=podium.io/agent-not-ready", "--session-tags=namespace,pod-name");
    // --ready-taint is set in these values: its role is bound.
    assertThat(objects)
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .contains("ClusterRole/podium-ready-taint", "ClusterRoleBinding/podium-ready-taint")
        .contains("PodMonitor/podium-standalone", "ServiceMonitor/podium-standalone");
  }

  @Test
  void inAgentServerModeTheServerRemovesTheReadyTaintAndTheInitContainerGetsTheNodesExtraArgs() {
    List<HasMetadata> objects = objects(Path.of("charts/podium/ci/agent-server-values.yaml"));

    Deployment server =
        objects.stream()
            .filter(Deployment.class::isInstance)
            .map(Deployment.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(server.getSpec().getTemplate().getSpec().getContainers().getFirst().getArgs())
        .contains("--ready-taint=podium.io/agent-not-ready");
    // The server's role reads and patches nodes; the agent's service account gets nothing.
    ClusterRole role =
        objects.stream()
            .filter(ClusterRole.class::isInstance)
            .map(ClusterRole.class::cast)
            .filter(r -> r.getMetadata().getName().equals("podium-server"))
            .findFirst()
            .orElseThrow();
    assertThat(role.getRules())
        .anySatisfy(
            rule -> {
              assertThat(rule.getResources()).containsExactly("nodes");
              assertThat(rule.getVerbs()).containsExactly("get", "patch");
            });
    assertThat(objects)
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .doesNotContain("ClusterRole/podium-ready-taint", "ClusterRole/podium-agent");
    PodSpec agent =
        objects.stream()
            .filter(DaemonSet.class::isInstance)
            .map(o -> ((DaemonSet) o).getSpec().getTemplate().getSpec())
            .findFirst()
            .orElseThrow();
    // The rule the init container installs is the one the agent keeps.
    assertThat(agent.getInitContainers().getFirst().getArgs())
        .contains("--install-rules-only", "--no-keep-jump-first");
    assertThat(agent.getContainers().getFirst().getArgs())
        .contains("--iptables", "--no-keep-jump-first")
        .doesNotContain("--ready-taint=podium.io/agent-not-ready");
  }

  @Test
  void withoutCertManagerTheSecretsAreTheUsersAndNoIssuerIsRendered() {
    List<HasMetadata> objects =
        objects(Path.of("charts/podium/ci/agent-server-podium-certs-values.yaml"));

    assertThat(objects)
        .extracting(HasMetadata::getApiVersion)
        .noneMatch(apiVersion -> apiVersion.startsWith("cert-manager.io"));
    assertThat(objects).extracting(HasMetadata::getKind).doesNotContain("PodDisruptionBudget");
    Deployment server =
        objects.stream()
            .filter(Deployment.class::isInstance)
            .map(Deployment.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(server.getSpec().getReplicas()).isEqualTo(3);
    assertThat(server.getSpec().getTemplate().getSpec().getVolumes())
        .filteredOn(v -> v.getSecret() != null)
        .extracting(v -> v.getSecret().getSecretName())
        .containsExactly("podium-server-tls");
    // No interception rule managed here: the agent needs no capability and no root.
    PodSpec agent =
        objects.stream()
            .filter(DaemonSet.class::isInstance)
            .map(o -> ((DaemonSet) o).getSpec().getTemplate().getSpec())
            .findFirst()
            .orElseThrow();
    assertThat(agent.getInitContainers()).isEmpty();
    var security = agent.getContainers().getFirst().getSecurityContext();
    assertThat(security.getRunAsNonRoot()).isTrue();
    assertThat(security.getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(agent.getContainers().getFirst().getArgs()).doesNotContain("--iptables");
  }

  @Test
  void theWebhookRendersBesideEitherModeOrAloneAndOnlyWhenEnabled() {
    List<HasMetadata> beside = objects(Path.of("charts/podium/ci/webhook-values.yaml"));
    List<HasMetadata> alone = objects(Path.of("charts/podium/ci/webhook-podium-certs-values.yaml"));
    List<HasMetadata> off = objects(Path.of("charts/podium/ci/agent-server-values.yaml"));

    assertThat(beside)
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .contains(
            "Deployment/podium-server",
            "Deployment/podium-webhook",
            "MutatingWebhookConfiguration/podium-webhook",
            "Certificate/podium-webhook",
            "ServiceMonitor/podium-webhook");
    assertThat(alone)
        .extracting(HasMetadata::getKind)
        .doesNotContain("DaemonSet", "PodDisruptionBudget", "Certificate", "Issuer");
    assertThat(off).extracting(HasMetadata::getKind).doesNotContain("MutatingWebhookConfiguration");
  }

  @Test
  void withoutCertManagerTheWebhookConfigurationCarriesTheCaBundleAndTheChosenPolicy() {
    List<HasMetadata> objects =
        objects(Path.of("charts/podium/ci/webhook-podium-certs-values.yaml"));

    var configuration =
        objects.stream()
            .filter(
                io.fabric8.kubernetes.api.model.admissionregistration.v1
                        .MutatingWebhookConfiguration.class
                    ::isInstance)
            .map(
                io.fabric8.kubernetes.api.model.admissionregistration.v1
                        .MutatingWebhookConfiguration.class
                    ::cast)
            .findFirst()
            .orElseThrow();
    var webhook = configuration.getWebhooks().getFirst();
    assertThat(configuration.getMetadata().getAnnotations()).isNullOrEmpty();
    assertThat(webhook.getClientConfig().getCaBundle()).startsWith("LS0t");
    assertThat(webhook.getFailurePolicy()).isEqualTo("Fail");
    assertThat(webhook.getTimeoutSeconds()).isEqualTo(5);
    assertThat(webhook.getNamespaceSelector()).isNull();
    Deployment deployment =
        objects.stream()
            .filter(Deployment.class::isInstance)
            .map(Deployment.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().getFirst().getArgs())
        .contains("--namespace-restrictions=false", "--service-account-lookup-timeout=2s");
  }
}
