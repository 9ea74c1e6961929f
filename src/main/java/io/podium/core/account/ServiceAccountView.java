package io.podium.core.account;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What Podium keeps of a Kubernetes ServiceAccount: its identity and annotations, the IRSA settings
 * of the pods that run as it ({@code eks.amazonaws.com/role-arn}, {@code …/audience}, …).
 *
 * @param uid empty when the account was written without one (a pods file)
 * @param annotations the account's annotations a source kept (a source may keep only those under
 *     the prefixes it was asked for)
 */
public record ServiceAccountView(
    String namespace, String name, String uid, Map<String, String> annotations) {

  public ServiceAccountView {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    uid = uid == null ? "" : uid;
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  /** The value of {@code annotation}, if the account carries it. */
  public Optional<String> annotation(String annotation) {
    return Optional.ofNullable(annotations.get(annotation));
  }

  /** {@code namespace/name}. */
  public String qualifiedName() {
    return namespace + "/" + name;
  }
}
