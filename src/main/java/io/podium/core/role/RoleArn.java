package io.podium.core.role;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * An IAM role's ARN, {@code arn:<partition>:iam::<account>:role<path><name>}, parsed and checked.
 *
 * @param partition aws, aws-cn or aws-us-gov
 * @param accountId twelve digits
 * @param path {@code /} or {@code /a/b/}, always starting and ending with a slash
 * @param name the role's name, the last segment, as EC2 lists it under security-credentials
 */
public record RoleArn(String partition, String accountId, String path, String name) {

  static final Set<String> PARTITIONS = Set.of("aws", "aws-cn", "aws-us-gov");

  // Trusted patterns (our own, not user input), so java.util.regex is fine here.
  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
  private static final Pattern NAME = Pattern.compile("[\\w+=,.@-]{1,64}");
  private static final Pattern PATH_SEGMENT = Pattern.compile("[\\x21-\\x2E\\x30-\\x7E]+");
  private static final int MAX_PATH_LENGTH = 512;
  private static final int MAX_INPUT_LENGTH = 2048;

  public RoleArn {
    requireValid(partition, accountId, path, name);
  }

  /**
   * Parses a full role ARN.
   *
   * @throws MalformedRoleException with a reason a user can act on
   */
  public static RoleArn parse(String arn) {
    if (arn == null || arn.isEmpty()) {
      throw new MalformedRoleException("role ARN is empty");
    }
    if (arn.length() > MAX_INPUT_LENGTH) {
      throw new MalformedRoleException(
          "role ARN is longer than " + MAX_INPUT_LENGTH + " characters");
    }
    String[] parts = arn.split(":", 6);
    if (parts.length != 6 || !parts[0].equals("arn")) {
      throw new MalformedRoleException(
          "'" + abbreviate(arn) + "' is not an ARN (expected arn:aws:iam::<account>:role/<name>)");
    }
    if (!parts[2].equals("iam") || !parts[3].isEmpty()) {
      throw new MalformedRoleException(
          "'" + abbreviate(arn) + "' is not an IAM role ARN (expected arn:<partition>:iam::…)");
    }
    String resource = parts[5];
    if (!resource.startsWith("role/")) {
      throw new MalformedRoleException(
          "'" + abbreviate(arn) + "' names a " + resourceType(resource) + ", not a role");
    }
    String pathAndName = resource.substring("role".length());
    int lastSlash = pathAndName.lastIndexOf('/');
    return new RoleArn(
        parts[1],
        parts[4],
        pathAndName.substring(0, lastSlash + 1),
        pathAndName.substring(lastSlash + 1));
  }

  /** The account's base ARN this role lives under, path included. */
  public RoleBaseArn base() {
    return new RoleBaseArn(partition, accountId, path);
  }

  /** Path and name without the leading slash, e.g. {@code team/reader} or {@code reader}. */
  public String pathAndName() {
    return path.substring(1) + name;
  }

  @Override
  public String toString() {
    return "arn:" + partition + ":iam::" + accountId + ":role" + path + name;
  }

  static void requireValidPath(String path) {
    if (path == null || !path.startsWith("/") || !path.endsWith("/")) {
      throw new MalformedRoleException("role path must start and end with '/'");
    }
    if (path.length() > MAX_PATH_LENGTH) {
      throw new MalformedRoleException("role path is longer than " + MAX_PATH_LENGTH);
    }
    if (path.length() > 1) {
      for (String segment : path.substring(1, path.length() - 1).split("/", -1)) {
        if (!PATH_SEGMENT.matcher(segment).matches()) {
          throw new MalformedRoleException(
              "role path '" + abbreviate(path) + "' has an empty segment or a forbidden character");
        }
        // IAM would store "/team/../" as it is, but anything that normalises paths on the way
        // (or a reader of the policy) sees another role: such names are never meant.
        if (segment.equals(".") || segment.equals("..")) {
          throw new MalformedRoleException(
              "role path '" + abbreviate(path) + "' has a '.' or '..' segment");
        }
      }
    }
  }

  static void requireValidPartitionAndAccount(String partition, String accountId) {
    if (!PARTITIONS.contains(partition)) {
      throw new MalformedRoleException(
          "unknown partition '" + abbreviate(partition) + "' (expected aws, aws-cn or aws-us-gov)");
    }
    if (accountId == null || !ACCOUNT.matcher(accountId).matches()) {
      throw new MalformedRoleException(
          "account id '" + abbreviate(accountId) + "' is not twelve digits");
    }
  }

  static void requireValidName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new MalformedRoleException(
          "role name '"
              + abbreviate(name)
              + "' is invalid (1-64 characters of letters, digits and +=,.@_-)");
    }
    if (name.equals(".") || name.equals("..")) {
      throw new MalformedRoleException("role name '" + name + "' is a path segment, not a name");
    }
  }

  private static void requireValid(String partition, String accountId, String path, String name) {
    requireValidPartitionAndAccount(partition, accountId);
    requireValidPath(path);
    requireValidName(name);
  }

  private static String resourceType(String resource) {
    int slash = resource.indexOf('/');
    return slash > 0 ? "'" + abbreviate(resource.substring(0, slash)) + "'" : "non-role resource";
  }

  /** Keeps hostile input from flooding messages and logs. */
  static String abbreviate(String value) {
    if (value == null) {
      return "";
    }
    return value.length() <= 128 ? value : value.substring(0, 128) + "…";
  }
}
