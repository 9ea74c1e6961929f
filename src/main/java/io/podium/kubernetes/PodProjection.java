package io.podium.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.podium.core.pod.PodAnnotations;
import io.podium.core.pod.PodIdentity;
import io.podium.core.pod.PodPhase;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a Kubernetes Pod into the compact {@link PodIdentity} Podium tracks, for every pod source
 * (the pods file, informers). A pure function: no lookups, no I/O, and never DNS for addresses.
 */
final class PodProjection {

  /** The IRSA service-account annotation that names the role of the account's pods. */
  static final String SERVICE_ACCOUNT_ROLE_ARN = "eks.amazonaws.com/role-arn";

  static final String DEFAULT_NAMESPACE = "default";
  static final String DEFAULT_SERVICE_ACCOUNT = "default";

  private static final Logger log = LoggerFactory.getLogger(PodProjection.class);
  private static final int MAX_LOGGED_VALUE = 64;

  private PodProjection() {}

  /**
   * Projects {@code pod}.
   *
   * @param serviceAccountRoleArn the {@value #SERVICE_ACCOUNT_ROLE_ARN} annotation of the pod's
   *     service account, or {@code null} when it has none or it is not known
   * @throws IllegalArgumentException when the pod has no {@code metadata.name}
   */
  static PodIdentity project(Pod pod, String serviceAccountRoleArn) {
    ObjectMeta metadata = pod.getMetadata() == null ? new ObjectMeta() : pod.getMetadata();
    if (isBlank(metadata.getName())) {
      throw new IllegalArgumentException("a Pod has no metadata.name");
    }
    String namespace = namespaceOf(pod);
    String name = metadata.getName();
    PodSpec spec = pod.getSpec() == null ? new PodSpec() : pod.getSpec();
    PodStatus status = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
    String qualifiedName = namespace + "/" + name;
    return new PodIdentity(
        isBlank(metadata.getUid()) ? syntheticUid(namespace, name) : metadata.getUid(),
        namespace,
        name,
        serviceAccountName(pod),
        spec.getNodeName(),
        ips(status, qualifiedName),
        phase(metadata, status),
        deletionTimestamp(metadata.getDeletionTimestamp(), qualifiedName),
        Boolean.TRUE.equals(spec.getHostNetwork()),
        PodAnnotations.from(metadata.getAnnotations()),
        serviceAccountRoleArn,
        hostIps(status, qualifiedName));
  }

  /**
   * {@code status.phase}, or {@link PodPhase#STOPPED} for a terminating pod that still says Pending
   * or Running but whose containers (init, regular and ephemeral) all report that they stopped.
   * Without container statuses nothing is known, and the reported phase stands.
   */
  static PodPhase phase(ObjectMeta metadata, PodStatus status) {
    PodPhase reported = PodPhase.fromApi(status.getPhase());
    boolean live = reported == PodPhase.PENDING || reported == PodPhase.RUNNING;
    if (!live || isBlank(metadata.getDeletionTimestamp())) {
      return reported;
    }
    List<ContainerStatus> containers = status.getContainerStatuses();
    if (containers == null || containers.isEmpty()) {
      return reported;
    }
    return allStopped(containers)
            && allStopped(status.getInitContainerStatuses())
            && allStopped(status.getEphemeralContainerStatuses())
        ? PodPhase.STOPPED
        : reported;
  }

  /** Whether every container reports a stopped state: terminated, or waiting to be started. */
  private static boolean allStopped(List<ContainerStatus> containers) {
    if (containers == null) {
      return true;
    }
    for (ContainerStatus container : containers) {
      ContainerState state = container == null ? null : container.getState();
      if (state == null
          || state.getRunning() != null
          || (state.getTerminated() == null && state.getWaiting() == null)) {
        return false;
      }
    }
    return true;
  }

  /** A pod's namespace, {@value #DEFAULT_NAMESPACE} when the manifest leaves it out. */
  static String namespaceOf(Pod pod) {
    return pod.getMetadata() == null || isBlank(pod.getMetadata().getNamespace())
        ? DEFAULT_NAMESPACE
        : pod.getMetadata().getNamespace();
  }

  /**
   * The service account a pod runs as: {@code spec.serviceAccountName}, else the deprecated {@code
   * spec.serviceAccount}, else {@value #DEFAULT_SERVICE_ACCOUNT}, as the API server defaults it.
   */
  static String serviceAccountName(Pod pod) {
    PodSpec spec = pod.getSpec();
    if (spec == null) {
      return DEFAULT_SERVICE_ACCOUNT;
    }
    if (!isBlank(spec.getServiceAccountName())) {
      return spec.getServiceAccountName();
    }
    return isBlank(spec.getServiceAccount()) ? DEFAULT_SERVICE_ACCOUNT : spec.getServiceAccount();
  }

  /** The {@value #SERVICE_ACCOUNT_ROLE_ARN} annotation of {@code account}, or {@code null}. */
  static String serviceAccountRoleArn(ServiceAccount account) {
    ObjectMeta metadata = account.getMetadata();
    Map<String, String> annotations = metadata == null ? null : metadata.getAnnotations();
    return annotations == null ? null : annotations.get(SERVICE_ACCOUNT_ROLE_ARN);
  }

  /**
   * The uid of a pod written by hand without one: stable for the same namespace and name, so that
   * editing a pod in the file updates it rather than replacing it with a new pod.
   */
  static String syntheticUid(String namespace, String name) {
    return UUID.nameUUIDFromBytes((namespace + "/" + name).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  private static List<InetAddress> ips(PodStatus status, String qualifiedName) {
    Set<InetAddress> ips = new LinkedHashSet<>();
    List<PodIP> podIps = status.getPodIPs();
    if (podIps != null && !podIps.isEmpty()) {
      for (PodIP podIp : podIps) {
        if (podIp != null) {
          addIp(ips, podIp.getIp(), qualifiedName);
        }
      }
    } else {
      // Older clusters and hand-written files may only fill the single-stack field.
      addIp(ips, status.getPodIP(), qualifiedName);
    }
    return List.copyOf(ips);
  }

  /**
   * {@code status.hostIPs} (dual-stack nodes report two), else {@code status.hostIP}: the node's
   * own addresses, which never receive a pod's role.
   */
  private static List<InetAddress> hostIps(PodStatus status, String qualifiedName) {
    Set<InetAddress> ips = new LinkedHashSet<>();
    List<HostIP> hostIps = status.getHostIPs();
    if (hostIps != null) {
      for (HostIP hostIp : hostIps) {
        if (hostIp != null) {
          addIp(ips, hostIp.getIp(), qualifiedName);
        }
      }
    }
    addIp(ips, status.getHostIP(), qualifiedName);
    return List.copyOf(ips);
  }

  private static void addIp(Set<InetAddress> ips, String literal, String qualifiedName) {
    if (isBlank(literal)) {
      return;
    }
    try {
      // ofLiteral parses and never resolves: a hostile value cannot cause a DNS lookup.
      ips.add(InetAddress.ofLiteral(literal.strip()));
    } catch (IllegalArgumentException e) {
      log.warn(
          "pod {} has an address that is not an IP literal, skipped: '{}'",
          qualifiedName,
          abbreviate(literal));
    }
  }

  private static Instant deletionTimestamp(String value, String qualifiedName) {
    if (isBlank(value)) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value.strip()).toInstant();
    } catch (DateTimeParseException e) {
      // The pod is being deleted, but we cannot tell until when: fail closed, as if its grace
      // period were already over.
      log.warn(
          "pod {} has a deletionTimestamp that is not an RFC 3339 time, treating its grace period"
              + " as over: '{}'",
          qualifiedName,
          abbreviate(value));
      return Instant.EPOCH;
    }
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }

  private static String abbreviate(String value) {
    return value.length() <= MAX_LOGGED_VALUE ? value : value.substring(0, MAX_LOGGED_VALUE) + "…";
  }
}
