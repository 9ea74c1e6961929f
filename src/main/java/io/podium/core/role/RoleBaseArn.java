package io.podium.core.role;

/**
 * The prefix that role names are joined to ({@code --role-base-arn}), such as {@code
 * arn:aws:iam::123456789012:role/} or {@code arn:aws:iam::123456789012:role/team/}.
 */
public record RoleBaseArn(String partition, String accountId, String path) {

  public RoleBaseArn {
    RoleArn.requireValidPartitionAndAccount(partition, accountId);
    RoleArn.requireValidPath(path);
  }

  /**
   * Parses a base ARN; the trailing slash is optional.
   *
   * @throws MalformedRoleException with the reason
   */
  public static RoleBaseArn parse(String value) {
    if (value == null || value.isBlank()) {
      throw new MalformedRoleException("base role ARN is empty");
    }
    String withSlash = value.endsWith("/") ? value : value + "/";
    // Parse through RoleArn with a placeholder name so that both share one set of rules.
    RoleArn probe;
    try {
      probe = RoleArn.parse(withSlash + "x");
    } catch (MalformedRoleException e) {
      throw new MalformedRoleException(
          "base role ARN '"
              + RoleArn.abbreviate(value)
              + "' is invalid (expected arn:aws:iam::<account>:role/ with an optional path): "
              + e.getMessage());
    }
    return probe.base();
  }

  /**
   * Joins a role name, optionally with a path such as {@code team/reader}, to this base.
   *
   * @throws MalformedRoleException when the result is not a valid role ARN
   */
  public RoleArn resolve(String relativeName) {
    return RoleArn.parse(this + relativeName);
  }

  /** Whether {@code role} lives in this base's partition and account. */
  public boolean sameAccount(RoleArn role) {
    return role.partition().equals(partition) && role.accountId().equals(accountId);
  }

  @Override
  public String toString() {
    return "arn:" + partition + ":iam::" + accountId + ":role" + path;
  }
}
