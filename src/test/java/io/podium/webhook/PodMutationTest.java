package io.podium.webhook;

import static io.podium.webhook.WebhookPods.ROLE;
import static io.podium.webhook.WebhookPods.account;
import static io.podium.webhook.WebhookPods.annotations;
import static io.podium.webhook.WebhookPods.container;
import static io.podium.webhook.WebhookPods.env;
import static io.podium.webhook.WebhookPods.pod;
import static io.podium.webhook.WebhookPods.withRole;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.podium.core.account.ServiceAccountLookup;
import io.podium.core.account.ServiceAccountProblems;
import io.podium.core.role.AllowedRoles;
import io.podium.core.role.NamespacePolicy;
import io.podium.core.role.RoleBaseArn;
import io.podium.core.role.RolePolicy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The webhook's mutation, rule by rule. Each case is a behaviour of the upstream
 * amazon-eks-pod-identity-webhook (its handler and the pods in its test data), checked on the pod
 * that results from applying the patch, or one of Podium's own rules beyond it.
 */
class PodMutationTest {

  private static final String TOKEN_FILE =
      "/var/run/secrets/eks.amazonaws.com/serviceaccount/token";
  private static final String MOUNT = "/var/run/secrets/eks.amazonaws.com/serviceaccount";

  private WebhookSettings settings = WebhookSettings.defaults();
  private RolePolicy policy = new RolePolicy(true);

  private Mutation mutate(Pod pod, ServiceAccountLookup lookup) {
    return new PodMutation(settings, policy).mutate(pod, "default/" + name(pod), lookup);
  }

  private static String name(Pod pod) {
    return pod.getMetadata().getName();
  }

  /** The pod the API server stores after applying the webhook's patch. */
  private Pod admitted(Pod pod, ServiceAccountLookup lookup) {
    return Patches.apply(pod, mutate(pod, lookup).patch());
  }

  private static List<String> envOf(Container container) {
    return container.getEnv().stream().map(e -> e.getName() + "=" + e.getValue()).toList();
  }

  private static VolumeMount tokenMount(Container container) {
    return container.getVolumeMounts().stream()
        .filter(m -> m.getName().equals("aws-iam-token"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no aws-iam-token mount in " + container.getName()));
  }

  private static ServiceAccountTokenProjection token(Pod pod) {
    Volume volume =
        pod.getSpec().getVolumes().stream()
            .filter(v -> v.getName().equals("aws-iam-token"))
            .findFirst()
            .orElseThrow();
    return volume.getProjected().getSources().getFirst().getServiceAccountToken();
  }

  @Nested
  class TheServiceAccountsRole {

    @Test
    void givesEveryContainerTheRoleTheTokenFileAndAReadOnlyMount() {
      Pod admitted = admitted(pod("app").build(), withRole());

      Container app = admitted.getSpec().getContainers().getFirst();
      assertThat(envOf(app))
          .containsExactly("AWS_ROLE_ARN=" + ROLE, "AWS_WEB_IDENTITY_TOKEN_FILE=" + TOKEN_FILE);
      VolumeMount mount = tokenMount(app);
      assertThat(mount.getMountPath()).isEqualTo(MOUNT);
      assertThat(mount.getReadOnly()).isTrue();
      assertThat(mutate(pod("app").build(), withRole()).outcome()).isEqualTo(Outcome.MUTATED);
    }

    @Test
    void projectsATokenForStsWithADayOfLifeIntoTheVolumeAwsIamToken() {
      Pod admitted = admitted(pod("app").build(), withRole());

      ServiceAccountTokenProjection token = token(admitted);
      assertThat(token.getAudience()).isEqualTo("sts.amazonaws.com");
      assertThat(token.getExpirationSeconds()).isEqualTo(86_400L);
      assertThat(token.getPath()).isEqualTo("token");
    }

    @Test
    void writesThePatchUpstreamWritesForAPodWithoutVolumes() {
      Mutation mutation = mutate(pod("app").build(), withRole());

      // Upstream replaces the containers array; Podium adds to it. The volume is the same.
      assertThat(Patches.tree(Patches.json(mutation.patch())).get(0).toString())
          .isEqualTo(
              "{\"op\":\"add\",\"path\":\"/spec/volumes\",\"value\":[{\"name\":\"aws-iam-token\","
                  + "\"projected\":{\"sources\":[{\"serviceAccountToken\":{\"audience\":"
                  + "\"sts.amazonaws.com\",\"expirationSeconds\":86400,\"path\":\"token\"}}]}}]}");
    }

    @Test
    void putsTheTokenVolumeFirstWhenThePodHasVolumes() {
      Pod pod =
          pod("app")
              .editSpec()
              .addNewVolume()
              .withName("data")
              .withNewEmptyDir()
              .endEmptyDir()
              .endVolume()
              .endSpec()
              .build();

      Pod admitted = admitted(pod, withRole());

      assertThat(admitted.getSpec().getVolumes())
          .extracting(Volume::getName)
          .containsExactly("aws-iam-token", "data");
    }

    @Test
    void keepsAVolumeAndAMountThePodAlreadyHasUnderThatName() {
      Pod pod =
          pod("app")
              .editSpec()
              .addNewVolume()
              .withName("aws-iam-token")
              .withNewHostPath()
              .withPath("/path/to/token")
              .endHostPath()
              .endVolume()
              .editFirstContainer()
              .addNewVolumeMount()
              .withName("aws-iam-token")
              .withMountPath("/path/to/token")
              .endVolumeMount()
              .endContainer()
              .endSpec()
              .build();

      Pod admitted = admitted(pod, withRole());

      assertThat(admitted.getSpec().getVolumes()).hasSize(1);
      assertThat(admitted.getSpec().getVolumes().getFirst().getHostPath().getPath())
          .isEqualTo("/path/to/token");
      Container app = admitted.getSpec().getContainers().getFirst();
      assertThat(app.getVolumeMounts()).hasSize(1);
      assertThat(app.getVolumeMounts().getFirst().getMountPath()).isEqualTo("/path/to/token");
      assertThat(envOf(app))
          .containsExactly("AWS_ROLE_ARN=" + ROLE, "AWS_WEB_IDENTITY_TOKEN_FILE=" + TOKEN_FILE);
    }

    @Test
    void injectsAnArnOfAnotherPartitionAsWritten() {
      String china = "arn:aws-cn:iam::111122223333:role/s3-reader";

      Pod admitted =
          admitted(pod("app").build(), account(annotations("eks.amazonaws.com/role-arn", china)));

      assertThat(envOf(admitted.getSpec().getContainers().getFirst()))
          .contains("AWS_ROLE_ARN=" + china);
    }

    @Test
    void readsTheAnnotationsUnderTheConfiguredPrefix() {
      settings =
          new WebhookSettings(
              "iam.example.com",
              "sts.amazonaws.com",
              86_400,
              Optional.empty(),
              false,
              Optional.empty());

      Mutation upstreamPrefix = mutate(pod("app").build(), withRole());
      Pod admitted =
          admitted(
              pod("app").build(),
              account(
                  annotations(
                      "iam.example.com/role-arn", ROLE, "iam.example.com/audience", "custom")));

      assertThat(upstreamPrefix.outcome()).isEqualTo(Outcome.NO_ROLE);
      assertThat(envOf(admitted.getSpec().getContainers().getFirst()))
          .contains("AWS_ROLE_ARN=" + ROLE);
      assertThat(token(admitted).getAudience()).isEqualTo("custom");
    }
  }

  @Nested
  class NoRoleToGive {

    @Test
    void leavesThePodAloneWhenTheServiceAccountHasNoRoleArn() {
      Mutation mutation = mutate(pod("app").build(), account(Map.of()));

      assertThat(mutation.outcome()).isEqualTo(Outcome.NO_ROLE);
      assertThat(mutation.patch()).isEmpty();
      assertThat(mutation.warnings()).isEmpty();
    }

    @Test
    void leavesThePodAloneWhenTheRoleArnIsEmpty() {
      Mutation mutation =
          mutate(pod("app").build(), account(annotations("eks.amazonaws.com/role-arn", "")));

      assertThat(mutation.outcome()).isEqualTo(Outcome.NO_ROLE);
      assertThat(mutation.patch()).isEmpty();
    }

    @Test
    void leavesThePodAloneWhenItsServiceAccountDoesNotExist() {
      Mutation mutation =
          mutate(pod("app").build(), new ServiceAccountLookup.NotFound("no default/default"));

      assertThat(mutation.outcome()).isEqualTo(Outcome.NO_SERVICE_ACCOUNT);
      assertThat(mutation.patch()).isEmpty();
    }

    @Test
    void warnsWhenTheServiceAccountCouldNotBeReadInTime() {
      Mutation mutation =
          mutate(
              pod("app").build(),
              new ServiceAccountLookup.Unavailable("the API server did not answer within 3s"));

      assertThat(mutation.outcome()).isEqualTo(Outcome.SERVICE_ACCOUNT_UNAVAILABLE);
      assertThat(mutation.patch()).isEmpty();
      assertThat(mutation.warnings())
          .singleElement()
          .asString()
          .contains("default/app", "not given", "did not answer within 3s");
    }
  }

  @Nested
  class TokenAudienceAndLifetime {

    @Test
    void takesTheServiceAccountsAudienceOverTheFlag() {
      settings =
          new WebhookSettings(
              "eks.amazonaws.com",
              "flag-audience",
              86_400,
              Optional.empty(),
              false,
              Optional.empty());

      Pod flag = admitted(pod("app").build(), withRole());
      Pod annotated =
          admitted(
              pod("app").build(),
              account(
                  annotations(
                      "eks.amazonaws.com/role-arn", ROLE, "eks.amazonaws.com/audience", "sa")));

      assertThat(token(flag).getAudience()).isEqualTo("flag-audience");
      assertThat(token(annotated).getAudience()).isEqualTo("sa");
    }

    @Test
    void takesTheFlagsLifetimeThenTheServiceAccountsThenThePods() {
      settings = settings.withTokenExpiration(7200);
      var account =
          account(
              annotations(
                  "eks.amazonaws.com/role-arn",
                  ROLE,
                  "eks.amazonaws.com/token-expiration",
                  "3600"));
      Pod annotatedPod =
          pod("app")
              .editMetadata()
              .addToAnnotations("eks.amazonaws.com/token-expiration", "1800")
              .endMetadata()
              .build();

      assertThat(token(admitted(pod("app").build(), withRole())).getExpirationSeconds())
          .isEqualTo(7200L);
      assertThat(token(admitted(pod("app").build(), account)).getExpirationSeconds())
          .isEqualTo(3600L);
      assertThat(token(admitted(annotatedPod, account)).getExpirationSeconds()).isEqualTo(1800L);
    }

    @Test
    void clampsTheLifetimeToTenMinutesAtLeastAndADayAtMost() {
      Pod zero =
          pod("app")
              .editMetadata()
              .addToAnnotations("eks.amazonaws.com/token-expiration", "0")
              .endMetadata()
              .build();
      var twoDays =
          account(
              annotations(
                  "eks.amazonaws.com/role-arn",
                  ROLE,
                  "eks.amazonaws.com/token-expiration",
                  "172800"));

      assertThat(token(admitted(zero, withRole())).getExpirationSeconds()).isEqualTo(600L);
      assertThat(token(admitted(pod("app").build(), twoDays)).getExpirationSeconds())
          .isEqualTo(86_400L);
      assertThat(WebhookSettings.defaults().withTokenExpiration(60).tokenExpirationSeconds())
          .isEqualTo(600L);
    }

    @Test
    void ignoresALifetimeThatIsNotWholeSecondsAndSaysSo() {
      Pod pod =
          pod("app")
              .editMetadata()
              .addToAnnotations("eks.amazonaws.com/token-expiration", "1h")
              .endMetadata()
              .build();
      var account =
          account(
              annotations(
                  "eks.amazonaws.com/role-arn", ROLE, "eks.amazonaws.com/token-expiration", "2d"));

      Mutation mutation = mutate(pod, account);

      assertThat(token(Patches.apply(pod, mutation.patch())).getExpirationSeconds())
          .isEqualTo(86_400L);
      assertThat(mutation.warnings())
          .hasSize(2)
          .anySatisfy(w -> assertThat(w).contains("'2d'", "service account default/default"))
          .anySatisfy(w -> assertThat(w).contains("'1h'", "the pod"));
    }
  }

  @Nested
  class RegionAndRegionalSts {

    @Test
    void addsBothRegionVariablesBeforeTheRoleWhenARegionIsConfigured() {
      settings = settings.withRegion("seattle");

      Pod admitted = admitted(pod("app").build(), withRole());

      assertThat(envOf(admitted.getSpec().getContainers().getFirst()))
          .containsExactly(
              "AWS_DEFAULT_REGION=seattle",
              "AWS_REGION=seattle",
              "AWS_ROLE_ARN=" + ROLE,
              "AWS_WEB_IDENTITY_TOKEN_FILE=" + TOKEN_FILE);
    }

    @Test
    void addsNoRegionWithoutTheFlag() {
      Pod admitted = admitted(pod("app").build(), withRole());

      assertThat(envOf(admitted.getSpec().getContainers().getFirst()))
          .noneMatch(e -> e.startsWith("AWS_REGION") || e.startsWith("AWS_DEFAULT_REGION"));
    }

    @Test
    void aContainerThatSetsEitherRegionVariableGetsNeither() {
      settings = settings.withRegion("us-east-1");
      Pod pod =
          pod("app")
              .editSpec()
              .withContainers(
                  container("region", env("AWS_REGION", "paris")),
                  container("default-region", env("AWS_DEFAULT_REGION", "lyon")))
              .endSpec()
              .build();

      Pod admitted = admitted(pod, withRole());

      assertThat(envOf(admitted.getSpec().getContainers().get(0)))
          .containsExactly(
              "AWS_REGION=paris",
              "AWS_ROLE_ARN=" + ROLE,
              "AWS_WEB_IDENTITY_TOKEN_FILE=" + TOKEN_FILE);
      assertThat(envOf(admitted.getSpec().getContainers().get(1)))
          .containsExactly(
              "AWS_DEFAULT_REGION=lyon",
              "AWS_ROLE_ARN=" + ROLE,
              "AWS_WEB_IDENTITY_TOKEN_FILE=" + TOKEN_FILE);
    }

    @Test
    void addsRegionalStsFirstWhenTheFlagAsksForIt() {
      settings = settings.withRegionalSts(true).withRegion("us-west-2");

      Pod admitted = admitted(pod("app").build(), withRole());

      assertThat(envOf(admitted.getSpec().getContainers().getFirst()))
          .startsWith("AWS_STS_REGIONAL_ENDPOINTS=regional", "AWS_DEFAULT_REGION=us-west-2");
    }

    @Test
    void theServiceAccountsAnnotationOverridesTheFlagEitherWay() {
      settings = settings.withRegionalSts(true);
      var off =
          account(
              annotations(
                  "eks.amazonaws.com/role-arn",
                  ROLE,
                  "eks.amazonaws.com/sts-regional-endpoints",
                  "false"));
      Pod withoutSts = admitted(pod("app").build(), off);

      settings = settings.withRegionalSts(false);
      var on =
          account(
              annotations(
                  "eks.amazonaws.com/role-arn",
                  ROLE,
                  "eks.amazonaws.com/sts-regional-endpoints",
                  "T"));
      Pod withSts = admitted(pod("app").build(), on);

      assertThat(envOf(withoutSts.getSpec().getContainers().getFirst()))
          .noneMatch(e -> e.startsWith("AWS_STS_REGIONAL_ENDPOINTS"));
      assertThat(envOf(withSts.getSpec().getContainers().getFirst()))
          .contains("AWS_STS_REGIONAL_ENDPOINTS=regional");
    }

    @Test
    void readsTheRegionalStsAnnotationAsGoReadsBooleansAndIgnoresAnythingElse() {
      assertThat(List.of("1", "t", "T", "TRUE", "true", "True"))
          .allSatisfy(v -> assertThat(PodMutation.goBoolean(v)).contains(true));
      assertThat(List.of("0", "f", "F", "FALSE", "false", "False"))
          .allSatisfy(v -> assertThat(PodMutation.goBoolean(v)).contains(false));
      assertThat(List.of("yes", "on", "tRUE", " true", ""))
          .allSatisfy(v -> assertThat(PodMutation.goBoolean(v)).isEmpty());

      settings = settings.withRegionalSts(true);
      Mutation mutation =
          mutate(
              pod("app").build(),
              account(
                  annotations(
                      "eks.amazonaws.com/role-arn",
                      ROLE,
                      "eks.amazonaws.com/sts-regional-endpoints",
                      "yes")));

      assertThat(
              envOf(
                  Patches.apply(pod("app").build(), mutation.patch())
                      .getSpec()
                      .getContainers()
                      .getFirst()))
          .contains("AWS_STS_REGIONAL_ENDPOINTS=regional");
      assertThat(mutation.warnings()).singleElement().asString().contains("'yes'");
    }

    @Test
    void aContainerThatSetsRegionalStsKeepsItsOwn() {
      settings = settings.withRegionalSts(true);
      Pod pod =
          pod("app")
              .editSpec()
              .withContainers(container("app", env("AWS_STS_REGIONAL_ENDPOINTS", "legacy")))
              .endSpec()
              .build();

      Pod admitted = admitted(pod, withRole());

      assertThat(envOf(admitted.getSpec().getContainers().getFirst()))
          .containsExactly(
              "AWS_STS_REGIONAL_ENDPOINTS=legacy",
              "AWS_ROLE_ARN=" + ROLE,
              "AWS_WEB_IDENTITY_TOKEN_FILE=" + TOKEN_FILE);
    }
  }

  @Nested
  class ContainersThatSetTheirOwn {

    @Test
    void aContainerThatSetsAwsRoleArnKeepsItAndGetsNoTokenFileButTheRestStill() {
      settings = settings.withRegion("us-west-2");
      Pod pod =
          pod("app")
              .editSpec()
              .withContainers(container("app", env("AWS_ROLE_ARN", "already-defined")))
              .endSpec()
              .build();

      Pod admitted = admitted(pod, withRole());

      Container app = admitted.getSpec().getContainers().getFirst();
      assertThat(envOf(app))
          .containsExactly(
              "AWS_ROLE_ARN=already-defined",
              "AWS_DEFAULT_REGION=us-west-2",
              "AWS_REGION=us-west-2");
      assertThat(tokenMount(app).getMountPath()).isEqualTo(MOUNT);
    }

    @Test
    void aContainerThatSetsTheTokenFileGetsNoRoleArn() {
      Pod pod =
          pod("app")
              .editSpec()
              .withContainers(container("app", env("AWS_WEB_IDENTITY_TOKEN_FILE", "/mine")))
              .endSpec()
              .build();

      Pod admitted = admitted(pod, withRole());

      assertThat(envOf(admitted.getSpec().getContainers().getFirst()))
          .containsExactly("AWS_WEB_IDENTITY_TOKEN_FILE=/mine");
    }

    @Test
    void aContainerThatSetsCredentialsRegionAndRegionalStsIsLeftAloneMountIncluded() {
      settings = settings.withRegion("cn-north-1").withRegionalSts(true);
      String china = "arn:aws-cn:iam::111122223333:role/s3-reader";
      Pod pod =
          pod("app")
              .editSpec()
              .withContainers(
                  container(
                      "app",
                      env("AWS_REGION", "cn-northwest-1"),
                      env("AWS_STS_REGIONAL_ENDPOINTS", "regional"),
                      env("AWS_ROLE_ARN", china)))
              .endSpec()
              .build();

      Mutation mutation = mutate(pod, account(annotations("eks.amazonaws.com/role-arn", china)));
      Pod admitted = Patches.apply(pod, mutation.patch());

      Container app = admitted.getSpec().getContainers().getFirst();
      assertThat(envOf(app)).hasSize(3);
      assertThat(app.getVolumeMounts()).isEmpty();
      // The pod still gets the volume, as upstream gives it.
      assertThat(admitted.getSpec().getVolumes())
          .extracting(Volume::getName)
          .contains("aws-iam-token");
      assertThat(mutation.outcome()).isEqualTo(Outcome.MUTATED);
    }
  }

  @Nested
  class WhichContainers {

    @Test
    void mutatesInitContainersAsContainers() {
      settings = settings.withRegion("seattle");
      Pod pod = pod("app").editSpec().addToInitContainers(container("init")).endSpec().build();

      Pod admitted = admitted(pod, withRole());

      Container init = admitted.getSpec().getInitContainers().getFirst();
      assertThat(envOf(init))
          .containsExactly(
              "AWS_DEFAULT_REGION=seattle",
              "AWS_REGION=seattle",
              "AWS_ROLE_ARN=" + ROLE,
              "AWS_WEB_IDENTITY_TOKEN_FILE=" + TOKEN_FILE);
      assertThat(tokenMount(init).getReadOnly()).isTrue();
    }

    @Test
    void aNativeSidecarKeepsItsRestartPolicyAndEveryFieldEvenUnknownOnes() {
      String pod =
          """
          {"apiVersion":"v1","kind":"Pod","metadata":{"name":"app","namespace":"default"},
           "spec":{"serviceAccountName":"default",
             "initContainers":[{"name":"proxy","image":"envoy","restartPolicy":"Always",
               "resizePolicy":[{"resourceName":"cpu","restartPolicy":"NotRequired"}],
               "futureField":{"from":"Kubernetes 1.99"}}],
             "containers":[{"name":"app","image":"amazonlinux","futureField":true}]}}
          """;
      Pod parsed =
          new io.fabric8.kubernetes.client.utils.KubernetesSerialization()
              .unmarshal(pod, Pod.class);

      String admitted = Patches.applyToJson(pod, mutate(parsed, withRole()).patch());

      var tree = Patches.tree(admitted);
      var proxy = tree.at("/spec/initContainers/0");
      assertThat(proxy.get("restartPolicy").stringValue()).isEqualTo("Always");
      assertThat(proxy.at("/resizePolicy/0/restartPolicy").stringValue()).isEqualTo("NotRequired");
      assertThat(proxy.at("/futureField/from").stringValue()).isEqualTo("Kubernetes 1.99");
      assertThat(proxy.at("/env/0/name").stringValue()).isEqualTo("AWS_ROLE_ARN");
      assertThat(tree.at("/spec/containers/0/futureField").booleanValue()).isTrue();
    }

    @Test
    void skipsTheContainersAndInitContainersNamedInSkipContainers() {
      Pod pod =
          pod("app")
              .editMetadata()
              .addToAnnotations("eks.amazonaws.com/skip-containers", "sidecar, \"init\"")
              .endMetadata()
              .editSpec()
              .withContainers(container("sidecar"), container("app"))
              .withInitContainers(container("init"), container("setup"))
              .endSpec()
              .build();

      Pod admitted = admitted(pod, withRole());

      assertThat(admitted.getSpec().getContainers().get(0).getEnv()).isEmpty();
      assertThat(admitted.getSpec().getContainers().get(0).getVolumeMounts()).isEmpty();
      assertThat(envOf(admitted.getSpec().getContainers().get(1))).hasSize(2);
      assertThat(admitted.getSpec().getInitContainers().get(0).getEnv()).isEmpty();
      assertThat(envOf(admitted.getSpec().getInitContainers().get(1))).hasSize(2);
    }

    @Test
    void windowsPodsFindTheTokenUnderCWithBackslashesButMountItWhereLinuxDoes() {
      for (String selector : List.of("kubernetes.io/os", "beta.kubernetes.io/os")) {
        Pod pod =
            pod("app")
                .editSpec()
                .addToNodeSelector(selector, "windows")
                .addToNodeSelector("kubernetes.io/arch", "amd64")
                .endSpec()
                .build();

        Container app = admitted(pod, withRole()).getSpec().getContainers().getFirst();

        assertThat(envOf(app))
            .as(selector)
            .contains(
                "AWS_WEB_IDENTITY_TOKEN_FILE="
                    + "C:\\var\\run\\secrets\\eks.amazonaws.com\\serviceaccount\\token");
        assertThat(tokenMount(app).getMountPath()).isEqualTo(MOUNT);
      }
    }

    @Test
    void aLinuxNodeSelectorKeepsTheLinuxPath() {
      Pod pod =
          pod("app").editSpec().addToNodeSelector("kubernetes.io/os", "linux").endSpec().build();

      assertThat(envOf(admitted(pod, withRole()).getSpec().getContainers().getFirst()))
          .contains("AWS_WEB_IDENTITY_TOKEN_FILE=" + TOKEN_FILE);
    }
  }

  @Nested
  class SkipLabels {

    @Test
    void leavesPodsLabelledWithTheUpstreamOrPodiumsSkipLabelAlone() {
      for (String label :
          List.of("eks.amazonaws.com/skip-pod-identity-webhook", "podium.io/skip")) {
        Pod pod = pod("app").editMetadata().addToLabels(label, "true").endMetadata().build();

        Mutation mutation = mutate(pod, withRole());

        assertThat(mutation.outcome()).as(label).isEqualTo(Outcome.SKIPPED);
        assertThat(mutation.patch()).isEmpty();
      }
    }
  }

  @Nested
  class NamespacePolicyGovernsServiceAccountRoles {

    private ServiceAccountLookup.Found in(NamespacePolicy namespace) {
      return account(annotations("eks.amazonaws.com/role-arn", ROLE), namespace);
    }

    @Test
    void injectsARolePermittedByTheNamespacesRegex() {
      Mutation mutation =
          mutate(
              pod("app").build(),
              in(NamespacePolicy.compile("default", ".*role/s3-.*", AllowedRoles.ABSENT, none())));

      assertThat(mutation.outcome()).isEqualTo(Outcome.MUTATED);
    }

    @Test
    void injectsARolePermittedByTheNamespacesAllowedRolesGlobs() {
      Mutation mutation =
          mutate(
              pod("app").build(),
              in(
                  NamespacePolicy.compile(
                      "default",
                      null,
                      new AllowedRoles.Listed(List.of("arn:aws:iam::111122223333:role/s3-*")),
                      none())));

      assertThat(mutation.outcome()).isEqualTo(Outcome.MUTATED);
    }

    @Test
    void refusesARoleTheNamespaceDoesNotPermitWithAWarningAndARefusalForTheAccount() {
      Mutation mutation =
          mutate(
              pod("app").build(),
              in(
                  NamespacePolicy.compile(
                      "default", ".*role/dynamo-.*", AllowedRoles.ABSENT, none())));

      assertThat(mutation.outcome()).isEqualTo(Outcome.ROLE_DENIED);
      assertThat(mutation.patch()).isEmpty();
      assertThat(mutation.warnings())
          .singleElement()
          .asString()
          .contains("default/app", ROLE, "not permitted in namespace default");
      assertThat(mutation.refusal())
          .hasValueSatisfying(
              refusal -> {
                assertThat(refusal.kind()).isEqualTo(ServiceAccountProblems.Refusal.POLICY_DENIED);
                assertThat(refusal.account().qualifiedName()).isEqualTo("default/default");
              });
    }

    @Test
    void deniesByDefaultInANamespaceWithoutPolicy() {
      Mutation mutation = mutate(pod("app").build(), in(NamespacePolicy.unannotated("default")));

      assertThat(mutation.outcome()).isEqualTo(Outcome.ROLE_DENIED);
      assertThat(mutation.warnings())
          .singleElement()
          .asString()
          .contains("iam.amazonaws.com/permitted");
    }

    @Test
    void withNamespaceRestrictionsOffAnUnannotatedNamespacePermitsTheRole() {
      policy = new RolePolicy(false);

      Mutation mutation = mutate(pod("app").build(), in(NamespacePolicy.unannotated("default")));

      assertThat(mutation.outcome()).isEqualTo(Outcome.MUTATED);
    }

    @Test
    void refusesARoleArnThatIsNotARoleArn() {
      Mutation mutation =
          mutate(
              pod("app").build(),
              account(annotations("eks.amazonaws.com/role-arn", "arn:aws:iam::1234:user/bob")));

      assertThat(mutation.outcome()).isEqualTo(Outcome.ROLE_INVALID);
      assertThat(mutation.patch()).isEmpty();
      assertThat(mutation.warnings())
          .singleElement()
          .asString()
          .contains("eks.amazonaws.com/role-arn");
      assertThat(mutation.refusal().orElseThrow().kind())
          .isEqualTo(ServiceAccountProblems.Refusal.INVALID_ROLE);
    }

    @Test
    void joinsABareRoleNameToTheRoleBaseArnAsComposeRoleArnDid() {
      Mutation withoutBase =
          mutate(
              pod("app").build(), account(annotations("eks.amazonaws.com/role-arn", "s3-reader")));
      settings = settings.withRoleBaseArn(RoleBaseArn.parse("arn:aws:iam::111122223333:role/"));

      Pod admitted =
          admitted(
              pod("app").build(), account(annotations("eks.amazonaws.com/role-arn", "s3-reader")));

      assertThat(withoutBase.outcome()).isEqualTo(Outcome.ROLE_INVALID);
      assertThat(envOf(admitted.getSpec().getContainers().getFirst()))
          .contains("AWS_ROLE_ARN=" + ROLE);
    }
  }

  @Nested
  class Reinvocation {

    @Test
    void aSecondPassOverTheMutatedPodChangesNothing() {
      settings = settings.withRegion("us-east-1").withRegionalSts(true);
      Pod once =
          admitted(
              pod("app").editSpec().addToInitContainers(container("init")).endSpec().build(),
              withRole());

      Mutation again = mutate(once, withRole());

      assertThat(again.outcome()).isEqualTo(Outcome.UNCHANGED);
      assertThat(again.patch()).isEmpty();
    }

    @Test
    void aSecondPassMutatesOnlyTheContainersAddedSinceAndDuplicatesNothing() {
      Pod once = admitted(pod("app").build(), withRole());
      // A later webhook adds a sidecar; the API server calls Podium again (IfNeeded).
      once.getSpec()
          .getContainers()
          .add(new ContainerBuilder().withName("added").withImage("proxy").build());

      Mutation again = mutate(once, withRole());
      Pod twice = Patches.apply(once, again.patch());

      assertThat(again.outcome()).isEqualTo(Outcome.MUTATED);
      assertThat(again.patch())
          .allSatisfy(op -> assertThat(op.path()).startsWith("/spec/containers/1/"));
      assertThat(twice.getSpec().getVolumes()).hasSize(1);
      for (Container container : twice.getSpec().getContainers()) {
        assertThat(envOf(container)).as(container.getName()).hasSize(2);
        assertThat(container.getVolumeMounts()).as(container.getName()).hasSize(1);
      }
    }
  }

  @Nested
  class ServiceAccountName {

    @Test
    void isSpecServiceAccountNameThenTheDeprecatedFieldThenDefault() {
      Pod named = pod("app").editSpec().withServiceAccountName("web").endSpec().build();
      Pod deprecated =
          pod("app")
              .editSpec()
              .withServiceAccountName(null)
              .withServiceAccount("old")
              .endSpec()
              .build();
      Pod neither = pod("app").editSpec().withServiceAccountName(null).endSpec().build();

      assertThat(PodMutation.serviceAccountName(named)).isEqualTo("web");
      assertThat(PodMutation.serviceAccountName(deprecated)).isEqualTo("old");
      assertThat(PodMutation.serviceAccountName(neither)).isEqualTo("default");
    }

    @Test
    void aPodWithoutANameIsDescribedByItsGenerateName() {
      Pod generated =
          pod("x")
              .editMetadata()
              .withName(null)
              .withGenerateName("web-7d9f-")
              .endMetadata()
              .build();

      assertThat(PodMutation.describe(generated, "shop")).isEqualTo("shop/web-7d9f-*");
    }
  }

  private static <T> Optional<T> none() {
    return Optional.empty();
  }

  @Nested
  class PodIdentityMode {

    private static final String TOKEN =
        "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token";

    private Pod optedIn() {
      return pod("app")
          .editMetadata()
          .addToAnnotations(PodMutation.POD_IDENTITY_ANNOTATION, "true")
          .endMetadata()
          .build();
    }

    @Test
    void injectsTheContainerCredentialsUriAndTokenFileAsUpstreamsPodIdentityModeDoes() {
      Pod admitted = admitted(optedIn(), WebhookPods.account(Map.of()));

      Container app = admitted.getSpec().getContainers().getFirst();
      assertThat(envOf(app))
          .containsExactly(
              "AWS_CONTAINER_CREDENTIALS_FULL_URI=http://169.254.170.23/v1/credentials",
              "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=" + TOKEN);
      VolumeMount mount =
          app.getVolumeMounts().stream()
              .filter(m -> m.getName().equals("eks-pod-identity-token"))
              .findFirst()
              .orElseThrow();
      assertThat(mount.getMountPath())
          .isEqualTo("/var/run/secrets/pods.eks.amazonaws.com/serviceaccount");
      assertThat(mount.getReadOnly()).isTrue();
      ServiceAccountTokenProjection token =
          admitted.getSpec().getVolumes().stream()
              .filter(v -> v.getName().equals("eks-pod-identity-token"))
              .findFirst()
              .orElseThrow()
              .getProjected()
              .getSources()
              .getFirst()
              .getServiceAccountToken();
      assertThat(token.getAudience()).isEqualTo("pods.eks.amazonaws.com");
      assertThat(token.getPath()).isEqualTo("eks-pod-identity-token");
    }

    @Test
    void isChosenBeforeWebIdentityWhenTheServiceAccountOptsIn() {
      Map<String, String> annotations = new java.util.HashMap<>();
      annotations.put("eks.amazonaws.com/role-arn", WebhookPods.ROLE);
      annotations.put(PodMutation.POD_IDENTITY_ANNOTATION, "true");

      Pod admitted = admitted(pod("app").build(), WebhookPods.account(annotations));

      assertThat(envOf(admitted.getSpec().getContainers().getFirst()))
          .contains("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=" + TOKEN)
          .noneMatch(env -> env.startsWith("AWS_ROLE_ARN"));
    }

    @Test
    void aPodSayingFalseKeepsWebIdentityAndAnUnreadableValueIsAWarning() {
      Map<String, String> annotations = new java.util.HashMap<>();
      annotations.put("eks.amazonaws.com/role-arn", WebhookPods.ROLE);
      annotations.put(PodMutation.POD_IDENTITY_ANNOTATION, "true");
      Pod declines =
          pod("app")
              .editMetadata()
              .addToAnnotations(PodMutation.POD_IDENTITY_ANNOTATION, "false")
              .endMetadata()
              .build();
      Pod unreadable =
          pod("app")
              .editMetadata()
              .addToAnnotations(PodMutation.POD_IDENTITY_ANNOTATION, "yes please")
              .endMetadata()
              .build();

      assertThat(
              envOf(
                  admitted(declines, WebhookPods.account(annotations))
                      .getSpec()
                      .getContainers()
                      .getFirst()))
          .contains("AWS_ROLE_ARN=" + WebhookPods.ROLE);
      Mutation mutation = mutate(unreadable, withRole());
      assertThat(mutation.warnings()).anyMatch(w -> w.contains("podium.io/pod-identity"));
      assertThat(
              envOf(
                  Patches.apply(unreadable, mutation.patch()).getSpec().getContainers().getFirst()))
          .contains("AWS_ROLE_ARN=" + WebhookPods.ROLE);
    }

    @Test
    void withoutTheAnnotationNothingChangesForAPodWithoutRole() {
      assertThat(mutate(pod("app").build(), WebhookPods.account(Map.of())).outcome())
          .isEqualTo(Outcome.NO_ROLE);
    }
  }
}
