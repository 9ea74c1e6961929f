package io.podium.cli;

import static io.podium.cli.OptionErrors.invalid;

import io.podium.core.RoleDecider;
import io.podium.core.broker.BrokerSettings;
import io.podium.core.role.MalformedRoleException;
import io.podium.core.role.RoleBaseArn;
import io.podium.core.role.RolePolicy;
import io.podium.core.role.RoleResolver;
import io.podium.core.session.SessionDurations;
import io.podium.core.session.SessionNameScope;
import io.podium.core.session.SessionNameTemplate;
import io.podium.core.session.SessionRequestFactory;
import io.podium.core.session.SessionTag;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Which roles pods may have and what their sessions look like: the options every command that
 * decides and fetches credentials shares ({@code podium standalone}, {@code podium dev}, {@code
 * podium server}), validated into core objects at start-up.
 */
final class CredentialOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(
      names = "--role-base-arn",
      paramLabel = "ARN",
      description =
          "Prefix joined to role names in iam.amazonaws.com/role, e.g."
              + " arn:aws:iam::123456789012:role/ (a path may follow), or auto: the account of the"
              + " node's instance profile, read once at start from its metadata service (podium"
              + " standalone only). Without it, pods must give full ARNs.")
  String roleBaseArn;

  /** The base {@code --role-base-arn auto} found, once it has been asked. */
  RoleBaseArn discoveredBaseArn;

  @Option(
      names = "--default-role",
      paramLabel = "ROLE",
      description =
          "Role (name or ARN) for pods that ask for none; still subject to the namespace policy."
              + " Off unless given.")
  String defaultRole;

  @Option(
      names = "--namespace-restrictions",
      arity = "0..1",
      defaultValue = "true",
      fallbackValue = "true",
      paramLabel = "true|false",
      description =
          "Deny by default: a role is allowed only where the namespace's"
              + " iam.amazonaws.com/permitted regex or iam.amazonaws.com/allowed-roles list permits"
              + " it (default: ${DEFAULT-VALUE}). false permits any role in namespaces with"
              + " neither annotation, as kube2iam did by default (annotated namespaces stay"
              + " enforced); meant for migrations only.")
  boolean namespaceRestrictions;

  @Option(
      names = "--session-duration",
      paramLabel = "DURATION",
      defaultValue = "1h",
      converter = DurationConverter.class,
      description =
          "Length of the sessions asked of STS, 15m to 12h; at most 1h with --assume-role-arn"
              + " (default: ${DEFAULT-VALUE}).")
  Duration sessionDuration;

  @Option(
      names = "--min-remaining",
      paramLabel = "DURATION",
      defaultValue = "20m",
      converter = DurationConverter.class,
      description =
          "No pod is handed credentials with less validity left; they are refreshed before"
              + " (default: ${DEFAULT-VALUE}). Must be shorter than --session-duration.")
  Duration minRemaining;

  @Option(
      names = "--session-name-template",
      paramLabel = "TEMPLATE",
      defaultValue = SessionNameTemplate.DEFAULT,
      description =
          "Session name of each pod, from {namespace}, {pod}, {serviceaccount}, {node}, {uid};"
              + " sanitised for STS and kept to 64 characters (default: ${DEFAULT-VALUE}). It must"
              + " start with {namespace} and one of @ = , + _ . so that every session name starts"
              + " with its namespace's prefix (trust policies: sts:RoleSessionName like shop@*).")
  String sessionNameTemplate;

  @Option(
      names = "--unscoped-session-names",
      description =
          "Migration only: allow any --session-name-template and take every pod's"
              + " iam.amazonaws.com/session-name verbatim, in every namespace (without it, the"
              + " annotation counts only in namespaces annotated"
              + " podium.io/allow-pod-session-names: \"true\", and stays inside the namespace's"
              + " prefix). Trust policies can then not rely on session names; a warning says so at"
              + " start.")
  boolean unscopedSessionNames;

  @Option(
      names = "--session-tags",
      paramLabel = "TAG",
      split = ",",
      description =
          "Session tags to attach, named as EKS Pod Identity names them: namespace, pod-name,"
              + " pod-uid, service-account, cluster (needs --cluster-name). Needs sts:TagSession"
              + " in the roles' trust policies; tagging pod-name or pod-uid makes every pod its"
              + " own session.")
  List<String> sessionTags = List.of();

  @Option(
      names = "--cluster-name",
      paramLabel = "NAME",
      description = "The cluster's name, for the cluster session tag.")
  String clusterName;

  @Option(
      names = "--source-identity-template",
      paramLabel = "TEMPLATE",
      description =
          "Set SourceIdentity on every session from this template (same placeholders as"
              + " --session-name-template), e.g. {namespace}.{serviceaccount}. Off unless given.")
  String sourceIdentityTemplate;

  @Option(
      names = "--sts-rate-limit",
      paramLabel = "CALLS_PER_SECOND",
      defaultValue = "100",
      description =
          "Most STS calls a second across all sessions, burst twice that; halved each second STS"
              + " throttles, a tenth given back each second it does not. Callers who wait go first,"
              + " then prefetches, then refreshes (default: ${DEFAULT-VALUE}).")
  double stsRateLimit;

  @Option(
      names = "--sts-wait",
      paramLabel = "DURATION",
      defaultValue = "900ms",
      converter = DurationConverter.class,
      description =
          "Longest a pod waits for an STS call when its credentials are not cached yet; then 503"
              + " while the call carries on. Keep it under the SDKs' 1s (default:"
              + " ${DEFAULT-VALUE}).")
  Duration stsWait;

  /** Whether {@code --role-base-arn auto} was given. */
  boolean baseArnIsAuto() {
    return AutoDiscovery.isAuto(roleBaseArn);
  }

  /** The base; for {@code auto} the one found, or none while options are checked. */
  Optional<RoleBaseArn> baseArn() {
    if (roleBaseArn == null || roleBaseArn.isBlank()) {
      return Optional.empty();
    }
    if (baseArnIsAuto()) {
      return Optional.ofNullable(discoveredBaseArn);
    }
    try {
      return Optional.of(RoleBaseArn.parse(roleBaseArn.strip()));
    } catch (MalformedRoleException e) {
      throw invalid(command, "Invalid --role-base-arn: " + e.getMessage());
    }
  }

  /** The role decision: resolution, policy and session inputs. */
  RoleDecider roleDecider(boolean chained) {
    RoleResolver resolver;
    try {
      resolver = new RoleResolver(baseArn(), Optional.ofNullable(defaultRole));
    } catch (MalformedRoleException e) {
      throw invalid(command, e);
    }
    return new RoleDecider(resolver, new RolePolicy(namespaceRestrictions), sessions(chained));
  }

  SessionDurations durations(boolean chained) {
    try {
      return new SessionDurations(sessionDuration, minRemaining, chained);
    } catch (IllegalArgumentException e) {
      throw invalid(command, e);
    }
  }

  BrokerSettings brokerSettings(boolean chained) {
    BrokerSettings defaults = BrokerSettings.defaults(durations(chained));
    if (!(stsRateLimit > 0) || stsRateLimit > 10_000) {
      throw invalid(
          command, "--sts-rate-limit must be a number of calls a second from 0.1 to 10000");
    }
    return new BrokerSettings(
        defaults.durations(),
        defaults.negativeCacheTtl(),
        defaults.backoffBase(),
        defaults.backoffMax(),
        stsRateLimit,
        Math.max(1, (int) Math.ceil(stsRateLimit * 2)),
        defaults.maxConcurrentCalls(),
        defaults.idleTimeout(),
        defaults.outageFloor());
  }

  Duration stsWait() {
    if (stsWait.isZero() || stsWait.compareTo(Duration.ofSeconds(30)) > 0) {
      throw invalid(command, "--sts-wait must be between 1ms and 30s; under the SDKs' 1s is best");
    }
    return stsWait;
  }

  /**
   * Warns, once options are checked, of the migration switches that weaken the policy: namespaces
   * that permit nothing still getting every role, and session names outside their namespace.
   */
  void warnAboutMigrationSwitches() {
    if (unscopedSessionNames) {
      LoggerFactory.getLogger(command.userObject().getClass())
          .warn(
              "--unscoped-session-names: pods choose any session name with"
                  + " iam.amazonaws.com/session-name, and --session-name-template '{}' need not start"
                  + " with the namespace; trust policies' sts:RoleSessionName conditions do not hold."
                  + " Meant for migrations only",
              sessionNameTemplate);
    }
    if (!namespaceRestrictions) {
      LoggerFactory.getLogger(command.userObject().getClass())
          .warn(
              "--namespace-restrictions=false: pods in namespaces without"
                  + " iam.amazonaws.com/permitted or iam.amazonaws.com/allowed-roles may assume"
                  + " ANY role this process can assume; meant for migrations from kube2iam only");
    }
  }

  private SessionRequestFactory sessions(boolean chained) {
    try {
      Optional<SessionNameTemplate> sourceIdentity =
          Optional.ofNullable(sourceIdentityTemplate).map(SessionNameTemplate::parse);
      return new SessionRequestFactory(
          SessionNameTemplate.parse(sessionNameTemplate),
          unscopedSessionNames ? SessionNameScope.UNSCOPED : SessionNameScope.NAMESPACE,
          durations(chained),
          tags(),
          Optional.ofNullable(clusterName).filter(name -> !name.isBlank()),
          sourceIdentity);
    } catch (IllegalArgumentException e) {
      throw invalid(command, e);
    }
  }

  private Set<SessionTag> tags() {
    Set<SessionTag> tags = EnumSet.noneOf(SessionTag.class);
    for (String name : sessionTags) {
      String key = name.strip().toLowerCase(Locale.ROOT);
      SessionTag tag =
          switch (key) {
            case "namespace" -> SessionTag.NAMESPACE;
            case "pod-name" -> SessionTag.POD_NAME;
            case "pod-uid" -> SessionTag.POD_UID;
            case "service-account" -> SessionTag.SERVICE_ACCOUNT;
            case "cluster" -> SessionTag.CLUSTER;
            default ->
                throw invalid(
                    command,
                    "Unknown --session-tags entry '"
                        + name
                        + "': use namespace, pod-name, pod-uid, service-account or cluster");
          };
      tags.add(tag);
    }
    return tags;
  }
}
