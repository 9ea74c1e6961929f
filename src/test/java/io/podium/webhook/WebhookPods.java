package io.podium.webhook;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.podium.core.account.ServiceAccountLookup;
import io.podium.core.account.ServiceAccountView;
import io.podium.core.role.AllowedRoles;
import io.podium.core.role.NamespacePolicy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Fixture builders for pods as they reach the webhook, and for what the directory says. */
final class WebhookPods {

  static final String ROLE = "arn:aws:iam::111122223333:role/s3-reader";

  private WebhookPods() {}

  /** A pod in {@code default} running as service account {@code default}, one container. */
  static PodBuilder pod(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName("default")
        .addToContainers(container(name))
        .endSpec();
  }

  static Container container(String name, EnvVar... env) {
    return new ContainerBuilder().withName(name).withImage("amazonlinux").withEnv(env).build();
  }

  static EnvVar env(String name, String value) {
    return new EnvVar(name, value, null);
  }

  /** {@code default/default} with these annotations, in a namespace that permits every role. */
  static ServiceAccountLookup.Found account(Map<String, String> annotations) {
    return account(
        annotations, NamespacePolicy.compile("default", ".*", AllowedRoles.ABSENT, none()));
  }

  static ServiceAccountLookup.Found account(
      Map<String, String> annotations, NamespacePolicy policy) {
    return new ServiceAccountLookup.Found(
        new ServiceAccountView("default", "default", "sa-uid-1", annotations), policy);
  }

  /** {@code default/default} with {@code eks.amazonaws.com/role-arn} = {@link #ROLE}. */
  static ServiceAccountLookup.Found withRole() {
    return account(Map.of("eks.amazonaws.com/role-arn", ROLE));
  }

  static Map<String, String> annotations(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  private static <T> Optional<T> none() {
    return Optional.empty();
  }
}
