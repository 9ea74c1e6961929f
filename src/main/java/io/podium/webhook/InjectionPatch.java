package io.podium.webhook;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjectionBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns an {@link Injection} into JSON Patch operations against one pod: the pod that results is
 * the one the upstream amazon-eks-pod-identity-webhook makes, container by container.
 *
 * <p>Where upstream replaces the whole {@code containers} and {@code initContainers} arrays with
 * copies it decoded and encoded again, every operation here adds one thing: a variable, a mount,
 * the volume. Nothing already in the pod is written back, so fields this code does not know (a
 * native sidecar's {@code restartPolicy}, fields of Kubernetes versions to come) stay exactly as
 * they were, and a second pass over the pod ({@code reinvocationPolicy: IfNeeded}) finds everything
 * present and adds only what containers added since lack.
 *
 * <p>Per container, as upstream decides it: a container that already sets a credential variable, a
 * region variable and {@code AWS_STS_REGIONAL_ENDPOINTS} is left alone entirely; otherwise {@code
 * AWS_STS_REGIONAL_ENDPOINTS}, then {@code AWS_DEFAULT_REGION} and {@code AWS_REGION}, then the
 * credential variables are appended where missing, and the token's mount where no mount of the
 * volume's name exists.
 */
final class InjectionPatch {

  static final String STS_REGIONAL_ENDPOINTS = "AWS_STS_REGIONAL_ENDPOINTS";
  static final String AWS_REGION = "AWS_REGION";
  static final String AWS_DEFAULT_REGION = "AWS_DEFAULT_REGION";

  private InjectionPatch() {}

  /** The operations that inject {@code injection} into {@code pod}; empty when it has it all. */
  static List<PatchOperation> operations(Pod pod, Injection injection) {
    PodSpec spec = pod.getSpec() == null ? new PodSpec() : pod.getSpec();
    List<PatchOperation> operations = new ArrayList<>();
    volume(spec, injection, operations);
    containers("/spec/containers", spec.getContainers(), injection, operations);
    containers("/spec/initContainers", spec.getInitContainers(), injection, operations);
    return operations;
  }

  private static void volume(PodSpec spec, Injection injection, List<PatchOperation> operations) {
    List<Volume> volumes = spec.getVolumes();
    if (volumes != null
        && volumes.stream().anyMatch(v -> injection.volumeName().equals(v.getName()))) {
      return;
    }
    Volume volume =
        new VolumeBuilder()
            .withName(injection.volumeName())
            .withNewProjected()
            .addNewSource()
            .withServiceAccountToken(
                new ServiceAccountTokenProjectionBuilder()
                    .withAudience(injection.audience())
                    .withExpirationSeconds(injection.expirationSeconds())
                    .withPath(injection.tokenPath())
                    .build())
            .endSource()
            .endProjected()
            .build();
    // First in the list, as upstream puts it; a pod without volumes gets the list.
    operations.add(
        volumes == null || volumes.isEmpty()
            ? PatchOperation.add("/spec/volumes", List.of(volume))
            : PatchOperation.add("/spec/volumes/0", volume));
  }

  private static void containers(
      String path, List<Container> containers, Injection injection, List<PatchOperation> out) {
    if (containers == null) {
      return;
    }
    for (int i = 0; i < containers.size(); i++) {
      Container container = containers.get(i);
      if (container == null || injection.skipContainers().contains(container.getName())) {
        continue;
      }
      container(path + "/" + i, container, injection, out);
    }
  }

  private static void container(
      String path, Container container, Injection injection, List<PatchOperation> out) {
    List<EnvVar> env = container.getEnv() == null ? List.of() : container.getEnv();
    Set<String> credentialNames = names(injection.credentials());
    boolean credentialsSet = env.stream().anyMatch(e -> credentialNames.contains(e.getName()));
    boolean regionSet =
        env.stream()
            .anyMatch(
                e -> AWS_REGION.equals(e.getName()) || AWS_DEFAULT_REGION.equals(e.getName()));
    boolean stsSet = env.stream().anyMatch(e -> STS_REGIONAL_ENDPOINTS.equals(e.getName()));
    if (credentialsSet && regionSet && stsSet) {
      // Upstream's rule: such a container is complete, its mount included.
      return;
    }

    List<EnvVar> added = new ArrayList<>();
    if (!stsSet && injection.regionalSts()) {
      added.add(new EnvVar(STS_REGIONAL_ENDPOINTS, "regional", null));
    }
    if (!regionSet && injection.region().isPresent()) {
      added.add(new EnvVar(AWS_DEFAULT_REGION, injection.region().get(), null));
      added.add(new EnvVar(AWS_REGION, injection.region().get(), null));
    }
    if (!credentialsSet) {
      added.addAll(injection.credentials());
    }
    append(path + "/env", env.isEmpty(), added, out);

    List<VolumeMount> mounts =
        container.getVolumeMounts() == null ? List.of() : container.getVolumeMounts();
    if (mounts.stream().noneMatch(m -> injection.volumeName().equals(m.getName()))) {
      VolumeMount mount =
          new VolumeMountBuilder()
              .withName(injection.volumeName())
              .withReadOnly(true)
              .withMountPath(injection.mountPath())
              .build();
      append(path + "/volumeMounts", mounts.isEmpty(), List.of(mount), out);
    }
  }

  /** Adds the array when the container has none (or an empty one), else appends each element. */
  private static void append(
      String path, boolean empty, List<?> elements, List<PatchOperation> out) {
    if (elements.isEmpty()) {
      return;
    }
    if (empty) {
      out.add(PatchOperation.add(path, List.copyOf(elements)));
      return;
    }
    for (Object element : elements) {
      out.add(PatchOperation.add(path + "/-", element));
    }
  }

  private static Set<String> names(List<EnvVar> variables) {
    return variables.stream()
        .map(EnvVar::getName)
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
  }
}
