package io.podium.core.role;

import io.podium.core.pod.PodIdentity;
import java.util.Optional;

/**
 * Works out the role a pod asks for. The pod's own {@code iam.amazonaws.com/role} annotation wins
 * over its service account's {@code eks.amazonaws.com/role-arn} (the more specific choice), which
 * wins over {@code --default-role}. A value that starts with {@code arn:} is a full ARN in any
 * partition; anything else is a role name, optionally with a path, joined to {@code
 * --role-base-arn}.
 */
public final class RoleResolver {

  private final Optional<RoleBaseArn> baseArn;
  private final Optional<String> defaultRole;

  /**
   * @param defaultRole a name or ARN given to pods that ask for nothing; empty unless configured
   * @throws MalformedRoleException when the default role itself cannot be resolved
   */
  public RoleResolver(Optional<RoleBaseArn> baseArn, Optional<String> defaultRole) {
    this.baseArn = baseArn;
    this.defaultRole = defaultRole.filter(r -> !r.isBlank()).map(String::trim);
    this.defaultRole.ifPresent(
        role -> {
          if (resolveValue(role, RoleSource.DEFAULT_ROLE) instanceof RoleResolution.Invalid bad) {
            throw new MalformedRoleException("--default-role: " + bad.reason());
          }
        });
  }

  /** The role {@code pod} asks for. */
  public RoleResolution resolve(PodIdentity pod) {
    String annotated = pod.annotations().role();
    if (annotated != null) {
      return resolveValue(annotated, RoleSource.POD_ANNOTATION);
    }
    String serviceAccountRole = pod.serviceAccountRoleArn();
    if (serviceAccountRole != null) {
      return resolveValue(serviceAccountRole, RoleSource.SERVICE_ACCOUNT);
    }
    return defaultRole
        .map(role -> resolveValue(role, RoleSource.DEFAULT_ROLE))
        .orElse(RoleResolution.NO_ROLE);
  }

  /** Resolves one annotation value. */
  public RoleResolution resolveValue(String value, RoleSource source) {
    String trimmed = value.strip();
    if (trimmed.isEmpty()) {
      return new RoleResolution.Invalid("the role annotation is empty", source);
    }
    try {
      if (trimmed.startsWith("arn:")) {
        return new RoleResolution.Resolved(RoleArn.parse(trimmed), source);
      }
      if (baseArn.isEmpty()) {
        return new RoleResolution.Invalid(
            "role '"
                + RoleArn.abbreviate(trimmed)
                + "' is a name, but no --role-base-arn is configured: give a full role ARN",
            source);
      }
      return new RoleResolution.Resolved(baseArn.get().resolve(stripLeadingSlash(trimmed)), source);
    } catch (MalformedRoleException e) {
      return new RoleResolution.Invalid(e.getMessage(), source);
    }
  }

  /** The configured base, if any; the policy needs it to match bare role names. */
  public Optional<RoleBaseArn> baseArn() {
    return baseArn;
  }

  private static String stripLeadingSlash(String name) {
    return name.startsWith("/") ? name.substring(1) : name;
  }
}
