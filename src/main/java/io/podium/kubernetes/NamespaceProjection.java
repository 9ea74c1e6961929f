package io.podium.kubernetes;

import io.fabric8.kubernetes.api.model.Namespace;
import io.podium.core.role.AllowedRoles;
import io.podium.core.role.NamespacePolicy;
import io.podium.core.role.RoleBaseArn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a Kubernetes Namespace into its {@link NamespacePolicy}, for every namespace source. Reads
 * kiam's {@code iam.amazonaws.com/permitted} regex and Podium's {@code
 * podium.io/allow-pod-session-names}, and parses kube2iam's {@code iam.amazonaws.com/allowed-roles}
 * JSON list here, so that the core stays free of JSON.
 */
final class NamespaceProjection {

  // Immutable and thread-safe once built; parsing needs no configuration of its own.
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private NamespaceProjection() {}

  /** The compiled policy of {@code namespace}. */
  static NamespacePolicy project(Namespace namespace, Optional<RoleBaseArn> base) {
    return annotations(namespace).compile(base);
  }

  /**
   * The policy annotations of {@code namespace}, parsed.
   *
   * @throws IllegalArgumentException when the namespace has no {@code metadata.name}
   */
  static NamespaceAnnotations annotations(Namespace namespace) {
    String name = namespace.getMetadata() == null ? null : namespace.getMetadata().getName();
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a Namespace has no metadata.name");
    }
    Map<String, String> annotations = namespace.getMetadata().getAnnotations();
    if (annotations == null || annotations.isEmpty()) {
      return NamespaceAnnotations.none(name);
    }
    return new NamespaceAnnotations(
        name,
        annotations.get(NamespacePolicy.PERMITTED_ANNOTATION),
        allowedRoles(annotations.get(AllowedRoles.ANNOTATION)),
        "true"
            .equalsIgnoreCase(
                String.valueOf(annotations.get(NamespacePolicy.POD_SESSION_NAMES_ANNOTATION))
                    .strip()));
  }

  /**
   * Parses an {@code iam.amazonaws.com/allowed-roles} value: a JSON list of strings, as kube2iam
   * reads it. Anything else is {@link AllowedRoles.Malformed} with the reason, never an exception.
   *
   * @param value the annotation's value, or {@code null} when absent
   */
  static AllowedRoles allowedRoles(String value) {
    if (value == null) {
      return AllowedRoles.ABSENT;
    }
    JsonNode root;
    try {
      root = JSON.readTree(value);
    } catch (JacksonException e) {
      return new AllowedRoles.Malformed("invalid JSON (" + e.getOriginalMessage() + ")");
    }
    if (root == null || root.isMissingNode()) {
      return new AllowedRoles.Malformed("the value is empty");
    }
    if (!root.isArray()) {
      return new AllowedRoles.Malformed(
          "expected a list such as [\"reader\", \"team/*\"], got " + describe(root));
    }
    List<String> globs = new ArrayList<>(root.size());
    for (int i = 0; i < root.size(); i++) {
      JsonNode element = root.get(i);
      if (!element.isString()) {
        return new AllowedRoles.Malformed(
            "entry " + (i + 1) + " is " + describe(element) + ", not a string");
      }
      globs.add(element.stringValue());
    }
    return new AllowedRoles.Listed(globs);
  }

  private static String describe(JsonNode node) {
    return switch (node.getNodeType()) {
      case OBJECT -> "an object";
      case ARRAY -> "a list";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
