package io.podium.oidc;

import java.util.List;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The bucket-policy statement that lets anyone read the issuer's two documents and nothing else,
 * merged into whatever policy the bucket already has. Public read comes from the bucket policy,
 * never from object ACLs: buckets made since April 2023 refuse ACLs by default.
 */
public final class BucketPolicy {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String VERSION = "2012-10-17";

  private BucketPolicy() {}

  /**
   * The merged policy and whether it differs from the bucket's.
   *
   * @param policy the whole policy document to apply
   * @param changed false when the bucket already has exactly this statement
   */
  public record Merge(String policy, boolean changed) {}

  /**
   * Our statement's Sid: one per issuer path, so that several clusters can share a bucket and each
   * sync replaces only its own statement.
   */
  static String statementId(String keyPrefix) {
    String suffix = keyPrefix.replaceAll("[^A-Za-z0-9]", "");
    return "PodiumOidcPublicRead" + (suffix.length() > 60 ? suffix.substring(0, 60) : suffix);
  }

  /** {@code s3:GetObject} for everyone on exactly {@code keys} of {@code bucket}. */
  public static ObjectNode statement(
      String partition, String bucket, String keyPrefix, List<String> keys) {
    ObjectNode statement = JSON.createObjectNode();
    statement.put("Sid", statementId(keyPrefix));
    statement.put("Effect", "Allow");
    statement.put("Principal", "*");
    statement.put("Action", "s3:GetObject");
    ArrayNode resources = statement.putArray("Resource");
    keys.forEach(key -> resources.add("arn:" + partition + ":s3:::" + bucket + "/" + key));
    return statement;
  }

  /** A policy that holds only {@code statement}, for a bucket without one. */
  public static String alone(ObjectNode statement) {
    return merge(Optional.empty(), statement).policy();
  }

  /**
   * Merges {@code statement} into {@code existing}: every other statement stays as it is; a
   * statement with the same Sid is replaced.
   *
   * @throws IllegalArgumentException when the existing policy is not a JSON object
   */
  public static Merge merge(Optional<String> existing, ObjectNode statement) {
    ObjectNode policy;
    if (existing.isEmpty() || existing.get().isBlank()) {
      policy = JSON.createObjectNode();
      policy.put("Version", VERSION);
    } else {
      try {
        JsonNode parsed = JSON.readTree(existing.get());
        if (!(parsed instanceof ObjectNode object)) {
          throw new IllegalArgumentException("the bucket's policy is not a JSON object");
        }
        policy = object.deepCopy();
      } catch (JacksonException e) {
        throw new IllegalArgumentException("the bucket's policy is not JSON: " + e.getMessage(), e);
      }
    }
    ArrayNode statements = JSON.createArrayNode();
    JsonNode current = policy.path("Statement");
    if (current.isArray()) {
      current.forEach(statements::add);
    } else if (current.isObject()) {
      statements.add(current);
    }
    String sid = statement.path("Sid").asString();
    boolean changed = true;
    boolean replaced = false;
    for (int i = 0; i < statements.size(); i++) {
      if (sid.equals(statements.get(i).path("Sid").asString(null))) {
        changed = !statements.get(i).equals(statement);
        statements.set(i, statement);
        replaced = true;
        break;
      }
    }
    if (!replaced) {
      statements.add(statement);
    }
    policy.set("Statement", statements);
    return new Merge(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(policy), changed);
  }
}
