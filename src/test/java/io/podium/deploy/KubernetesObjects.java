package io.podium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks that a parsed manifest is a valid Kubernetes object for fabric8's model: a known kind,
 * named, in a namespace when namespaced, and with no field the model does not know (a typo or a
 * misplaced key ends in {@code additionalProperties}, which the API server would reject or drop).
 */
final class KubernetesObjects {

  /** Custom resources the chart may render, which fabric8's core model does not type. */
  static final Set<String> CUSTOM_KINDS =
      Set.of(
          "cert-manager.io/v1/Issuer",
          "cert-manager.io/v1/Certificate",
          "monitoring.coreos.com/v1/PodMonitor",
          "monitoring.coreos.com/v1/ServiceMonitor");

  private KubernetesObjects() {}

  static void assertValid(HasMetadata object) {
    String id = object.getApiVersion() + "/" + object.getKind();
    assertThat(object.getMetadata().getName()).as("name of a %s", id).isNotBlank();
    if (object instanceof GenericKubernetesResource) {
      assertThat(CUSTOM_KINDS).as("a kind fabric8 knows, or a known custom one").contains(id);
      assertThat(object.getMetadata().getNamespace()).as("namespace of %s", id).isNotBlank();
      return;
    }
    if (object instanceof Namespaced) {
      assertThat(object.getMetadata().getNamespace())
          .as("namespace of %s %s", id, object.getMetadata().getName())
          .isNotBlank();
    }
    List<String> unknown = new ArrayList<>();
    collectUnknown(object, id + " " + object.getMetadata().getName(), unknown);
    assertThat(unknown).as("fields fabric8's model does not know").isEmpty();
  }

  private static void collectUnknown(Object value, String path, List<String> unknown) {
    if (value == null) {
      return;
    }
    if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        collectUnknown(list.get(i), path + "[" + i + "]", unknown);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((key, each) -> collectUnknown(each, path + "." + key, unknown));
      return;
    }
    if (!value.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      if (getter.getParameterCount() != 0
          || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get")
          || getter.getName().equals("getClass")
          || getter.getReturnType().isPrimitive()) {
        continue;
      }
      Object child;
      try {
        child = getter.invoke(value);
      } catch (ReflectiveOperationException e) {
        throw new LinkageError(getter + " could not be called", e);
      }
      if (getter.getName().equals("getAdditionalProperties")) {
        if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
          unknown.add(path + ": " + extra.keySet());
        }
        continue;
      }
      collectUnknown(child, path + "." + getter.getName().substring(3), unknown);
    }
  }
}
