package io.podium.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.runtime.RawExtension;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.podium.core.account.ServiceAccountView;
import io.podium.core.pod.PodIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import tools.jackson.core.JacksonException;

/**
 * Reads a pods file: Kubernetes manifests in YAML (or JSON), several documents separated by {@code
 * ---} and {@code kind: List} both accepted, parsed by fabric8's own serialization so that the file
 * means what {@code kubectl apply} would make of it. Pods, Namespaces and ServiceAccounts are read;
 * other kinds are reported as ignored.
 */
final class PodsFile {

  /** Bigger than any pods file a person writes, small enough that reading it costs little. */
  static final int MAX_BYTES = 16 * 1024 * 1024;

  /**
   * What one version of the file says.
   *
   * @param serviceAccounts by {@code namespace/name}
   */
  record Contents(
      List<PodIdentity> pods,
      Map<String, NamespaceAnnotations> namespaces,
      Map<String, ServiceAccountView> serviceAccounts,
      List<String> ignored) {
    Contents {
      pods = List.copyOf(pods);
      namespaces = Map.copyOf(namespaces);
      serviceAccounts = Map.copyOf(serviceAccounts);
      ignored = List.copyOf(ignored);
    }
  }

  private final KubernetesSerialization serialization;

  PodsFile(KubernetesSerialization serialization) {
    this.serialization = serialization;
  }

  /**
   * Reads the file's bytes, refusing files over {@link #MAX_BYTES}.
   *
   * @throws IOException when the file cannot be read (it may be missing)
   * @throws InvalidPodsFileException when it is too big
   */
  static byte[] read(Path file) throws IOException {
    byte[] content;
    try (InputStream in = Files.newInputStream(file)) {
      content = in.readNBytes(MAX_BYTES + 1);
    }
    if (content.length > MAX_BYTES) {
      throw new InvalidPodsFileException(
          file, "is larger than " + MAX_BYTES / (1024 * 1024) + " MiB");
    }
    return content;
  }

  /**
   * Parses one version of {@code file}.
   *
   * @throws InvalidPodsFileException naming the file, the problem and, when the parser knows it,
   *     the line
   */
  Contents parse(Path file, byte[] content) {
    List<HasMetadata> objects = new ArrayList<>();
    flatten(file, unmarshal(file, new String(content, StandardCharsets.UTF_8)), objects);

    Map<String, String> serviceAccountRoles = new LinkedHashMap<>();
    Map<String, ServiceAccountView> serviceAccounts = new LinkedHashMap<>();
    Map<String, NamespaceAnnotations> namespaces = new LinkedHashMap<>();
    List<Pod> pods = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    for (HasMetadata object : objects) {
      switch (object) {
        case Pod pod -> pods.add(pod);
        case Namespace namespace -> {
          NamespaceAnnotations annotations =
              project(file, () -> NamespaceProjection.annotations(namespace));
          if (namespaces.put(annotations.namespace(), annotations) != null) {
            throw new InvalidPodsFileException(
                file, "namespace " + annotations.namespace() + " is defined twice");
          }
        }
        case ServiceAccount account -> {
          String key = serviceAccountKey(file, account);
          if (serviceAccountRoles.containsKey(key)) {
            throw new InvalidPodsFileException(
                file, "service account " + key + " is defined twice");
          }
          serviceAccountRoles.put(key, PodProjection.serviceAccountRoleArn(account));
          serviceAccounts.put(key, view(key, account));
        }
        default -> ignored.add(object.getKind() + " " + nameOf(object));
      }
    }

    Map<String, PodIdentity> byUid = new LinkedHashMap<>();
    for (Pod pod : pods) {
      String account = PodProjection.namespaceOf(pod) + "/" + PodProjection.serviceAccountName(pod);
      PodIdentity identity =
          project(file, () -> PodProjection.project(pod, serviceAccountRoles.get(account)));
      PodIdentity clash = byUid.put(identity.uid(), identity);
      if (clash != null) {
        throw new InvalidPodsFileException(
            file,
            clash.qualifiedName().equals(identity.qualifiedName())
                ? "pod " + identity.qualifiedName() + " is defined twice"
                : "pods "
                    + clash.qualifiedName()
                    + " and "
                    + identity.qualifiedName()
                    + " have the same uid "
                    + identity.uid());
      }
    }
    return new Contents(List.copyOf(byUid.values()), namespaces, serviceAccounts, ignored);
  }

  private Object unmarshal(Path file, String text) {
    try {
      return serialization.unmarshal(text);
    } catch (MarkedYamlEngineException e) {
      throw new InvalidPodsFileException(file, "is not valid YAML: " + describe(e), e);
    } catch (YamlEngineException e) {
      throw new InvalidPodsFileException(file, "is not valid YAML: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      // fabric8 wraps Jackson's binding errors (a field of the wrong type) in
      // IllegalArgumentException.
      if (e.getCause() instanceof JacksonException jackson) {
        throw new InvalidPodsFileException(file, describe(jackson), e);
      }
      if (e instanceof JacksonException jackson) {
        throw new InvalidPodsFileException(file, describe(jackson), e);
      }
      throw new InvalidPodsFileException(
          file, "cannot be read as Kubernetes manifests: " + e.getMessage(), e);
    }
  }

  private static void flatten(Path file, Object parsed, List<HasMetadata> into) {
    switch (parsed) {
      case null -> {}
      case List<?> documents -> documents.forEach(document -> flatten(file, document, into));
      case KubernetesResourceList<?> list ->
          list.getItems().forEach(item -> flatten(file, item, into));
      case HasMetadata object -> into.add(object);
      case RawExtension raw -> throw new InvalidPodsFileException(file, notAnObject(raw));
      case KubernetesResource other ->
          throw new InvalidPodsFileException(
              file, "holds a " + other.getClass().getSimpleName() + ", not a Kubernetes object");
      default ->
          throw new InvalidPodsFileException(
              file, "holds " + parsed.getClass().getSimpleName() + ", not Kubernetes objects");
    }
  }

  private static String notAnObject(RawExtension raw) {
    if (raw.getValue() instanceof Map<?, ?> map && map.get("kind") instanceof String kind) {
      return "an object of kind "
          + kind
          + " has no apiVersion (write e.g. apiVersion: v1): without it, it is not a Kubernetes"
          + " object";
    }
    return "holds a document that is not a Kubernetes object: each needs apiVersion, kind and"
        + " metadata, e.g. apiVersion: v1, kind: Pod";
  }

  private static String serviceAccountKey(Path file, ServiceAccount account) {
    String name = account.getMetadata() == null ? null : account.getMetadata().getName();
    if (name == null || name.isBlank()) {
      throw new InvalidPodsFileException(file, "a ServiceAccount has no metadata.name");
    }
    String namespace = account.getMetadata().getNamespace();
    return (namespace == null || namespace.isBlank() ? PodProjection.DEFAULT_NAMESPACE : namespace)
        + "/"
        + name;
  }

  /** The account as the webhook sees it: every annotation kept (a file is small). */
  private static ServiceAccountView view(String key, ServiceAccount account) {
    int slash = key.indexOf('/');
    Map<String, String> annotations = account.getMetadata().getAnnotations();
    return new ServiceAccountView(
        key.substring(0, slash),
        key.substring(slash + 1),
        account.getMetadata().getUid(),
        annotations == null ? Map.of() : annotations);
  }

  private static String nameOf(HasMetadata object) {
    if (object.getMetadata() == null || object.getMetadata().getName() == null) {
      return "(unnamed)";
    }
    String namespace = object.getMetadata().getNamespace();
    return namespace == null
        ? object.getMetadata().getName()
        : namespace + "/" + object.getMetadata().getName();
  }

  private static <T> T project(Path file, Supplier<T> projection) {
    try {
      return projection.get();
    } catch (IllegalArgumentException e) {
      throw new InvalidPodsFileException(file, e.getMessage(), e);
    }
  }

  private static String describe(MarkedYamlEngineException e) {
    StringBuilder message = new StringBuilder();
    message.append(e.getProblem() == null ? "syntax error" : e.getProblem());
    e.getProblemMark().ifPresent(mark -> message.append(" at ").append(position(mark)));
    if (e.getContext() != null) {
      message.append(" (").append(e.getContext());
      e.getContextMark().ifPresent(mark -> message.append(" started at ").append(position(mark)));
      message.append(')');
    }
    return message.toString();
  }

  private static String position(Mark mark) {
    // Marks count from zero; editors count from one.
    return "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
  }

  private static String describe(JacksonException e) {
    List<JacksonException.Reference> path = e.getPath();
    StringBuilder where = new StringBuilder();
    for (JacksonException.Reference reference : path) {
      if (reference.getPropertyName() != null) {
        if (!where.isEmpty()) {
          where.append('.');
        }
        where.append(reference.getPropertyName());
      } else if (reference.getIndex() >= 0) {
        where.append('[').append(reference.getIndex()).append(']');
      }
    }
    String kind = path.isEmpty() ? "an object" : "a " + kindOf(path.getFirst().from());
    return kind
        + (where.isEmpty() ? "" : " has an invalid " + where)
        + ": "
        + e.getOriginalMessage();
  }

  private static String kindOf(Object from) {
    if (from == null) {
      return "manifest";
    }
    return from instanceof Class<?> type ? type.getSimpleName() : from.getClass().getSimpleName();
  }
}
