package io.podium.webhook;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.podium.core.account.ServiceAccountLookup;
import io.podium.core.account.ServiceAccountProblems;
import io.podium.core.account.ServiceAccountView;
import io.podium.core.role.Decision;
import io.podium.core.role.RoleArn;
import io.podium.core.role.RolePolicy;
import io.podium.core.role.RoleResolution;
import io.podium.core.role.RoleResolver;
import io.podium.core.role.RoleSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The webhook's decision for one pod being created, as a pure function of the pod, what the
 * directory knows of its service account and namespace, and the settings: the JSON Patch that gives
 * the pod its service account's role the way the upstream amazon-eks-pod-identity-webhook does
 * (IRSA: a projected token, {@code AWS_ROLE_ARN}, {@code AWS_WEB_IDENTITY_TOKEN_FILE}), or the
 * reason it is left alone.
 *
 * <p>Read from the service account, under the annotation prefix: {@code role-arn} (a bare name is
 * joined to {@code --role-base-arn}), {@code audience}, {@code sts-regional-endpoints} (Go's
 * boolean spellings), {@code token-expiration} (seconds). From the pod: {@code token-expiration},
 * which wins, and {@code skip-containers}. A value that cannot be read is ignored as upstream
 * ignores it, and said so in a warning.
 *
 * <p>Beyond upstream: the role must be one the namespace permits ({@link RolePolicy}, deny by
 * default), and a pod labelled {@value #UPSTREAM_SKIP_LABEL} or {@value #SKIP_LABEL} is left alone
 * whatever the webhook configuration's object selector says.
 */
public final class PodMutation {

  public static final String UPSTREAM_SKIP_LABEL = "eks.amazonaws.com/skip-pod-identity-webhook";
  public static final String SKIP_LABEL = "podium.io/skip";

  public static final String VOLUME_NAME = "aws-iam-token";
  public static final String MOUNT_PATH = "/var/run/secrets/eks.amazonaws.com/serviceaccount";
  public static final String TOKEN_PATH = "token";
  public static final String AWS_ROLE_ARN = "AWS_ROLE_ARN";
  public static final String AWS_WEB_IDENTITY_TOKEN_FILE = "AWS_WEB_IDENTITY_TOKEN_FILE";

  /**
   * Opts a pod, or every pod of a service account, into EKS Pod Identity's container credentials
   * instead of IRSA ({@code "true"}, Go's boolean spellings); the pod's value wins.
   */
  public static final String POD_IDENTITY_ANNOTATION = "podium.io/pod-identity";

  public static final String POD_IDENTITY_VOLUME = "eks-pod-identity-token";
  public static final String POD_IDENTITY_MOUNT_PATH =
      "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount";
  public static final String POD_IDENTITY_TOKEN_PATH = "eks-pod-identity-token";
  public static final String POD_IDENTITY_AUDIENCE = "pods.eks.amazonaws.com";
  public static final String CONTAINER_CREDENTIALS_URI = "http://169.254.170.23/v1/credentials";
  public static final String AWS_CONTAINER_CREDENTIALS_FULL_URI =
      "AWS_CONTAINER_CREDENTIALS_FULL_URI";
  public static final String AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE =
      "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";

  static final String ROLE_ARN = "role-arn";
  static final String AUDIENCE = "audience";
  static final String STS_REGIONAL_ENDPOINTS = "sts-regional-endpoints";
  static final String TOKEN_EXPIRATION = "token-expiration";
  static final String SKIP_CONTAINERS = "skip-containers";

  private static final String DEFAULT_SERVICE_ACCOUNT = "default";
  private static final int MAX_QUOTED = 128;
  // Our own pattern, not user input: ASCII digits only, as Go reads them (Java's would take any).
  private static final java.util.regex.Pattern GO_INTEGER =
      java.util.regex.Pattern.compile("[+-]?[0-9]{1,19}");

  private final WebhookSettings settings;
  private final RolePolicy rolePolicy;
  private final RoleResolver roles;

  public PodMutation(WebhookSettings settings, RolePolicy rolePolicy) {
    this.settings = settings;
    this.rolePolicy = rolePolicy;
    this.roles = new RoleResolver(settings.roleBaseArn(), Optional.empty());
  }

  /** The pod's skip label, when it has one: such a pod needs no lookup. */
  public Optional<Mutation> skipped(Pod pod) {
    Map<String, String> labels = metadata(pod).getLabels();
    if (labels == null) {
      return Optional.empty();
    }
    for (String label : List.of(UPSTREAM_SKIP_LABEL, SKIP_LABEL)) {
      if (labels.containsKey(label)) {
        return Optional.of(Mutation.nothing(Outcome.SKIPPED, "the pod is labelled " + label));
      }
    }
    return Optional.empty();
  }

  /**
   * The service account the pod runs as: {@code spec.serviceAccountName}, else the deprecated
   * {@code spec.serviceAccount}, else {@code default}, as the API server fills it in.
   */
  public static String serviceAccountName(Pod pod) {
    PodSpec spec = pod.getSpec();
    if (spec == null) {
      return DEFAULT_SERVICE_ACCOUNT;
    }
    if (!isBlank(spec.getServiceAccountName())) {
      return spec.getServiceAccountName();
    }
    return isBlank(spec.getServiceAccount()) ? DEFAULT_SERVICE_ACCOUNT : spec.getServiceAccount();
  }

  /**
   * Decides for {@code pod}, whose service account and namespace {@code lookup} describes.
   *
   * @param podName the pod as logs and warnings name it ({@link #describe})
   */
  public Mutation mutate(Pod pod, String podName, ServiceAccountLookup lookup) {
    Optional<Mutation> skip = skipped(pod);
    if (skip.isPresent()) {
      return skip.get();
    }
    return switch (lookup) {
      case ServiceAccountLookup.NotFound notFound ->
          Mutation.nothing(Outcome.NO_SERVICE_ACCOUNT, notFound.reason());
      case ServiceAccountLookup.Unavailable unavailable ->
          Mutation.warned(
              Outcome.SERVICE_ACCOUNT_UNAVAILABLE,
              unavailable.reason(),
              List.of(
                  "podium: pod "
                      + podName
                      + " was not given its service account's IAM role: "
                      + unavailable.reason()));
      case ServiceAccountLookup.Found found -> mutate(pod, podName, found);
    };
  }

  private Mutation mutate(Pod pod, String podName, ServiceAccountLookup.Found found) {
    ServiceAccountView account = found.account();
    List<String> warnings = new ArrayList<>();
    // Chosen before web identity, as upstream chooses its container-credentials mode first.
    if (podIdentity(pod, account, warnings)) {
      return injected(
          pod,
          podName,
          containerCredentials(pod),
          warnings,
          "EKS Pod Identity's container credentials (the node's Podium decides the role)");
    }
    Optional<String> annotated =
        account.annotation(settings.annotation(ROLE_ARN)).filter(value -> !value.isBlank());
    if (annotated.isEmpty()) {
      return Mutation.nothing(
          Outcome.NO_ROLE,
          "service account " + account.qualifiedName() + " has no " + annotation(ROLE_ARN));
    }
    RoleArn role;
    switch (roles.resolveValue(annotated.get(), RoleSource.SERVICE_ACCOUNT)) {
      case RoleResolution.Resolved resolved -> role = resolved.role();
      case RoleResolution.Invalid invalid -> {
        return refused(
            Outcome.ROLE_INVALID,
            ServiceAccountProblems.Refusal.INVALID_ROLE,
            account,
            podName,
            annotation(ROLE_ARN)
                + " of service account "
                + account.qualifiedName()
                + ": "
                + invalid.reason());
      }
      case RoleResolution.NoRole _ -> {
        return Mutation.nothing(Outcome.NO_ROLE, "no role");
      }
    }
    if (rolePolicy.decide(found.policy(), role) instanceof Decision.Denied denied) {
      return refused(
          Outcome.ROLE_DENIED,
          ServiceAccountProblems.Refusal.POLICY_DENIED,
          account,
          podName,
          "role "
              + role
              + " of service account "
              + account.qualifiedName()
              + ": "
              + denied.explanation());
    }

    Injection injection = webIdentity(pod, account, role, warnings);
    return injected(
        pod,
        podName,
        injection,
        warnings,
        "role " + role + " of service account " + account.qualifiedName());
  }

  private static Mutation injected(
      Pod pod, String podName, Injection injection, List<String> warnings, String what) {
    List<PatchOperation> patch = InjectionPatch.operations(pod, injection);
    if (patch.isEmpty()) {
      return new Mutation(
          Outcome.UNCHANGED,
          patch,
          warnings,
          "pod " + podName + " already has " + what + " in every container",
          Optional.empty());
    }
    return new Mutation(
        Outcome.MUTATED, patch, warnings, "pod " + podName + " given " + what, Optional.empty());
  }

  /** Whether the pod, or else its service account, opts into Pod Identity. */
  private boolean podIdentity(Pod pod, ServiceAccountView account, List<String> warnings) {
    Map<String, String> podAnnotations = metadata(pod).getAnnotations();
    String onPod = podAnnotations == null ? null : podAnnotations.get(POD_IDENTITY_ANNOTATION);
    if (onPod != null) {
      Optional<Boolean> parsed = goBoolean(onPod.strip());
      if (parsed.isPresent()) {
        return parsed.get();
      }
      warnings.add(ignored("the pod", POD_IDENTITY_ANNOTATION, onPod, "true or false"));
    }
    Optional<String> onAccount = account.annotation(POD_IDENTITY_ANNOTATION);
    if (onAccount.isEmpty()) {
      return false;
    }
    Optional<Boolean> parsed = goBoolean(onAccount.get().strip());
    if (parsed.isEmpty()) {
      warnings.add(
          ignored(
              "service account " + account.qualifiedName(),
              POD_IDENTITY_ANNOTATION,
              onAccount.get(),
              "true or false"));
    }
    return parsed.orElse(false);
  }

  /**
   * EKS Pod Identity, as the upstream webhook's container-credentials mode injects it: the node
   * endpoint's URI and a projected token for its audience.
   */
  private Injection containerCredentials(Pod pod) {
    String tokenFile =
        Injection.tokenFile(POD_IDENTITY_MOUNT_PATH, POD_IDENTITY_TOKEN_PATH, windows(pod));
    Map<String, String> podAnnotations = metadata(pod).getAnnotations();
    return new Injection(
        POD_IDENTITY_VOLUME,
        POD_IDENTITY_MOUNT_PATH,
        POD_IDENTITY_TOKEN_PATH,
        POD_IDENTITY_AUDIENCE,
        settings.tokenExpirationSeconds(),
        List.of(
            new EnvVar(AWS_CONTAINER_CREDENTIALS_FULL_URI, CONTAINER_CREDENTIALS_URI, null),
            new EnvVar(AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, tokenFile, null)),
        false,
        settings.region(),
        skipContainers(podAnnotations));
  }

  /** IRSA: the token for STS's audience, the role and the token file in every container. */
  private Injection webIdentity(
      Pod pod, ServiceAccountView account, RoleArn role, List<String> warnings) {
    String audience =
        account
            .annotation(settings.annotation(AUDIENCE))
            .map(String::strip)
            .filter(value -> !value.isEmpty())
            .orElse(settings.tokenAudience());
    boolean regionalSts = settings.regionalSts();
    Optional<String> sts = account.annotation(settings.annotation(STS_REGIONAL_ENDPOINTS));
    if (sts.isPresent()) {
      Optional<Boolean> parsed = goBoolean(sts.get());
      if (parsed.isPresent()) {
        regionalSts = parsed.get();
      } else {
        warnings.add(
            ignored(
                "service account " + account.qualifiedName(),
                STS_REGIONAL_ENDPOINTS,
                sts.get(),
                "true or false"));
      }
    }
    long expiration = settings.tokenExpirationSeconds();
    Optional<String> accountExpiration = account.annotation(settings.annotation(TOKEN_EXPIRATION));
    if (accountExpiration.isPresent()) {
      expiration =
          seconds(accountExpiration.get())
              .orElseGet(
                  () -> {
                    warnings.add(
                        ignored(
                            "service account " + account.qualifiedName(),
                            TOKEN_EXPIRATION,
                            accountExpiration.get(),
                            "whole seconds"));
                    return settings.tokenExpirationSeconds();
                  });
    }
    Map<String, String> podAnnotations = metadata(pod).getAnnotations();
    String podExpiration =
        podAnnotations == null ? null : podAnnotations.get(settings.annotation(TOKEN_EXPIRATION));
    if (podExpiration != null) {
      Optional<Long> parsed = seconds(podExpiration);
      if (parsed.isPresent()) {
        expiration = parsed.get();
      } else {
        warnings.add(ignored("the pod", TOKEN_EXPIRATION, podExpiration, "whole seconds"));
      }
    }
    String tokenFile = Injection.tokenFile(MOUNT_PATH, TOKEN_PATH, windows(pod));
    return new Injection(
        VOLUME_NAME,
        MOUNT_PATH,
        TOKEN_PATH,
        audience,
        WebhookSettings.clampExpiration(expiration),
        List.of(
            new EnvVar(AWS_ROLE_ARN, role.toString(), null),
            new EnvVar(AWS_WEB_IDENTITY_TOKEN_FILE, tokenFile, null)),
        regionalSts,
        settings.region(),
        skipContainers(podAnnotations));
  }

  private Mutation refused(
      Outcome outcome,
      ServiceAccountProblems.Refusal kind,
      ServiceAccountView account,
      String podName,
      String reason) {
    return new Mutation(
        outcome,
        List.of(),
        List.of("podium: pod " + podName + " was not given an IAM role: " + reason),
        reason,
        Optional.of(new Mutation.Refusal(account, kind, reason)));
  }

  /** {@code skip-containers}: comma-separated names; surrounding blanks and quotes ignored. */
  private Set<String> skipContainers(Map<String, String> podAnnotations) {
    String value =
        podAnnotations == null ? null : podAnnotations.get(settings.annotation(SKIP_CONTAINERS));
    if (value == null) {
      return Set.of();
    }
    Set<String> names = new LinkedHashSet<>();
    for (String part : value.split(",", -1)) {
      String name = part.strip();
      if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
        name = name.substring(1, name.length() - 1).strip();
      }
      if (!name.isEmpty()) {
        names.add(name);
      }
    }
    return names;
  }

  /** How logs and warnings name a pod: {@code namespace/name}, or its generateName prefix. */
  public static String describe(Pod pod, String namespace) {
    ObjectMeta metadata = metadata(pod);
    if (!isBlank(metadata.getName())) {
      return namespace + "/" + metadata.getName();
    }
    if (!isBlank(metadata.getGenerateName())) {
      return namespace + "/" + metadata.getGenerateName() + "*";
    }
    return namespace + "/(unnamed)";
  }

  /** Windows pods, as upstream recognises them: by node selector only. */
  static boolean windows(Pod pod) {
    Map<String, String> selector = pod.getSpec() == null ? null : pod.getSpec().getNodeSelector();
    if (selector == null) {
      return false;
    }
    return "windows".equals(selector.get("kubernetes.io/os"))
        || "windows".equals(selector.get("beta.kubernetes.io/os"));
  }

  /** Go's {@code strconv.ParseBool}, which the upstream webhook reads the annotation with. */
  static Optional<Boolean> goBoolean(String value) {
    return switch (value) {
      case "1", "t", "T", "TRUE", "true", "True" -> Optional.of(true);
      case "0", "f", "F", "FALSE", "false", "False" -> Optional.of(false);
      default -> Optional.empty();
    };
  }

  /** Go's {@code strconv.ParseInt(value, 10, 64)}: digits with an optional sign, nothing else. */
  static Optional<Long> seconds(String value) {
    if (!GO_INTEGER.matcher(value).matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(value));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private String annotation(String name) {
    return settings.annotation(name);
  }

  private String ignored(String where, String name, String value, String expected) {
    return "podium: ignored "
        + annotation(name)
        + " '"
        + abbreviate(value)
        + "' of "
        + where
        + " (expected "
        + expected
        + ")";
  }

  private static ObjectMeta metadata(Pod pod) {
    return pod.getMetadata() == null ? new ObjectMeta() : pod.getMetadata();
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }

  private static String abbreviate(String value) {
    return value.length() <= MAX_QUOTED ? value : value.substring(0, MAX_QUOTED) + "…";
  }
}
