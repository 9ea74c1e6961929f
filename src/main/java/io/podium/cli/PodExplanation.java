package io.podium.cli;

import io.podium.core.RoleOutcome;
import io.podium.core.pod.PodIdentity;
import io.podium.core.role.NamespacePolicy;
import io.podium.core.role.RolePolicy;
import io.podium.core.role.RoleSource;
import io.podium.core.session.SessionRequest;
import java.net.InetAddress;
import java.util.List;
import java.util.StringJoiner;
import java.util.stream.Collectors;

/**
 * What {@code podium explain} prints for one pod: which role it gets and what decided it (the
 * annotation, the namespace policy), or why it gets none, with the session STS would be asked for.
 */
final class PodExplanation {

  private PodExplanation() {}

  static String of(
      PodIdentity pod, RoleOutcome outcome, NamespacePolicy namespace, RolePolicy policy) {
    StringJoiner lines = new StringJoiner(System.lineSeparator());
    lines.add(
        "pod "
            + pod.qualifiedName()
            + " ("
            + addresses(pod.ips())
            + (pod.nodeName() == null ? "" : ", node " + pod.nodeName())
            + ", service account "
            + pod.serviceAccount()
            + ", "
            + pod.phase().name().toLowerCase(java.util.Locale.ROOT)
            + ")");
    switch (outcome) {
      case RoleOutcome.Permitted permitted -> {
        SessionRequest request = permitted.request();
        lines.add("role:         " + permitted.role() + ", " + source(permitted.source(), pod));
        lines.add("allowed by:   " + policy.decide(namespace, permitted.role()).explanation());
        lines.add("session name: " + request.sessionName());
        lines.add("duration:     " + OldFlags.format(request.duration()));
        if (request.externalId() != null) {
          lines.add("external id:  " + request.externalId());
        }
        if (request.sourceIdentity() != null) {
          lines.add("source identity: " + request.sourceIdentity());
        }
        lines.add(
            "tags:         "
                + (request.tags().isEmpty()
                    ? "none (--session-tags adds them)"
                    : request.tags().entrySet().stream()
                        .map(tag -> tag.getKey() + "=" + tag.getValue())
                        .collect(Collectors.joining(", "))));
        lines.add("answer:       200, credentials for " + permitted.role());
      }
      case RoleOutcome.NoRole noRole ->
          lines.add(
              "answer:       404, no role: the pod has no "
                  + PodAnnotationNames.ROLE
                  + " annotation, its service account no "
                  + PodAnnotationNames.SERVICE_ACCOUNT_ROLE
                  + ", and there is no --default-role");
      case RoleOutcome.Refused refused -> {
        lines.add("answer:       403, " + refused.detail());
        if (refused.kind() == RoleOutcome.Refusal.POLICY_DENIED) {
          lines.add("namespace:    " + policySummary(namespace));
        }
      }
      case RoleOutcome.Unavailable unavailable ->
          lines.add("answer:       503, " + unavailable.detail());
    }
    return lines.toString();
  }

  private static String source(RoleSource source, PodIdentity pod) {
    return switch (source) {
      case POD_ANNOTATION ->
          "from the pod's "
              + PodAnnotationNames.ROLE
              + " annotation '"
              + pod.annotations().role()
              + "'";
      case SERVICE_ACCOUNT ->
          "from service account "
              + pod.serviceAccount()
              + "'s "
              + PodAnnotationNames.SERVICE_ACCOUNT_ROLE;
      case DEFAULT_ROLE -> "from --default-role (the pod asks for none)";
    };
  }

  private static String policySummary(NamespacePolicy namespace) {
    if (!namespace.annotated()) {
      return namespace.namespace()
          + " has neither "
          + NamespacePolicy.PERMITTED_ANNOTATION
          + " nor iam.amazonaws.com/allowed-roles: it permits no role";
    }
    List<String> problems = namespace.problems();
    return namespace.namespace()
        + "'s policy annotations permit other roles"
        + (problems.isEmpty() ? "" : " (problems: " + String.join("; ", problems) + ")");
  }

  private static String addresses(List<InetAddress> ips) {
    return ips.isEmpty()
        ? "no IP yet"
        : ips.stream().map(InetAddress::getHostAddress).collect(Collectors.joining(", "));
  }

  /** The annotation names the explanation quotes. */
  static final class PodAnnotationNames {
    static final String ROLE = "iam.amazonaws.com/role";
    static final String SERVICE_ACCOUNT_ROLE = "eks.amazonaws.com/role-arn";

    private PodAnnotationNames() {}
  }
}
