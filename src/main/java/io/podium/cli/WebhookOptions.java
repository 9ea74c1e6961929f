package io.podium.cli;

import io.podium.core.role.MalformedRoleException;
import io.podium.core.role.RoleBaseArn;
import io.podium.core.role.RolePolicy;
import io.podium.webhook.WebhookSettings;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * How {@code podium webhook} mutates pods: the upstream amazon-eks-pod-identity-webhook's flags,
 * with its names and defaults, and the namespace policy Podium adds. Validated into {@link
 * WebhookSettings} and a {@link RolePolicy} at start-up.
 */
final class WebhookOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(
      names = "--annotation-prefix",
      paramLabel = "DOMAIN",
      defaultValue = WebhookSettings.DEFAULT_ANNOTATION_PREFIX,
      description =
          "Domain of the annotations read: <DOMAIN>/role-arn, audience, sts-regional-endpoints and"
              + " token-expiration on service accounts; token-expiration and skip-containers on"
              + " pods (default: ${DEFAULT-VALUE}).")
  String annotationPrefix = WebhookSettings.DEFAULT_ANNOTATION_PREFIX;

  @Option(
      names = "--token-audience",
      paramLabel = "AUDIENCE",
      defaultValue = WebhookSettings.DEFAULT_TOKEN_AUDIENCE,
      description =
          "Audience of the projected token unless the service account's <prefix>/audience names"
              + " another; an audience (client id) of the cluster's IAM OIDC provider (default:"
              + " ${DEFAULT-VALUE}).")
  String tokenAudience = WebhookSettings.DEFAULT_TOKEN_AUDIENCE;

  @Option(
      names = "--token-expiration",
      paramLabel = "SECONDS",
      defaultValue = "86400",
      description =
          "Lifetime of the projected token in seconds unless an annotation says otherwise;"
              + " clamped to 600..86400 like the annotations (default: ${DEFAULT-VALUE}).")
  long tokenExpiration = WebhookSettings.DEFAULT_TOKEN_EXPIRATION;

  @Option(
      names = "--aws-default-region",
      paramLabel = "REGION",
      description =
          "Set AWS_DEFAULT_REGION and AWS_REGION to this in mutated containers that set neither."
              + " Off unless given.")
  String region;

  @Option(
      names = "--sts-regional-endpoint",
      arity = "0..1",
      defaultValue = "false",
      fallbackValue = "true",
      paramLabel = "true|false",
      description =
          "Add AWS_STS_REGIONAL_ENDPOINTS=regional to mutated containers, unless the service"
              + " account's <prefix>/sts-regional-endpoints says otherwise (default:"
              + " ${DEFAULT-VALUE}).")
  boolean regionalSts;

  @Option(
      names = "--role-base-arn",
      paramLabel = "ARN",
      description =
          "Prefix joined to a <prefix>/role-arn that is a bare role name (as upstream's"
              + " --compose-role-arn), and to bare names in namespaces' allowed-roles, e.g."
              + " arn:aws:iam::123456789012:role/. Without it, service accounts must name full"
              + " ARNs.")
  String roleBaseArn;

  @Option(
      names = "--namespace-restrictions",
      arity = "0..1",
      defaultValue = "true",
      fallbackValue = "true",
      paramLabel = "true|false",
      description =
          "Deny by default: a service account's role is injected only where its namespace's"
              + " iam.amazonaws.com/permitted regex or iam.amazonaws.com/allowed-roles list"
              + " permits it (default: ${DEFAULT-VALUE}). false injects any role in namespaces"
              + " with neither annotation, as the upstream webhook does; meant for migrations.")
  boolean namespaceRestrictions = true;

  /** The validated settings; an out-of-range lifetime is clamped as the annotations are. */
  WebhookSettings settings() {
    Optional<RoleBaseArn> base = Optional.empty();
    if (roleBaseArn != null && !roleBaseArn.isBlank()) {
      try {
        base = Optional.of(RoleBaseArn.parse(roleBaseArn.strip()));
      } catch (MalformedRoleException e) {
        throw invalid("--role-base-arn: " + e.getMessage());
      }
    }
    if (region != null && !region.isBlank() && !region.strip().matches("[a-z0-9-]{1,64}")) {
      throw invalid("--aws-default-region '" + region + "' is not a region name such as us-east-1");
    }
    try {
      return new WebhookSettings(
          annotationPrefix.strip(),
          tokenAudience.strip(),
          tokenExpiration,
          Optional.ofNullable(region),
          regionalSts,
          base);
    } catch (IllegalArgumentException e) {
      throw invalid(
          (e.getMessage().contains("prefix") ? "--annotation-prefix: " : "--token-audience: ")
              + e.getMessage());
    }
  }

  RolePolicy rolePolicy() {
    return new RolePolicy(namespaceRestrictions);
  }

  private ParameterException invalid(String message) {
    return new ParameterException(command.commandLine(), message);
  }
}
