package io.podium.core.pod;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The compact projection of a pod that Podium tracks: only what the rules need, never the whole Pod
 * object.
 *
 * @param uid the pod's uid; distinguishes a new pod that reuses a name or an IP
 * @param ips every address of {@code status.podIPs} (dual-stack pods have two)
 * @param deletionTimestamp when set, the pod is terminating and may keep its role until then
 * @param serviceAccountRoleArn the {@code eks.amazonaws.com/role-arn} of the pod's service account,
 *     or {@code null}
 * @param hostIps the addresses of the pod's node that the pod reports ({@code status.hostIPs}): the
 *     node's own, which never receive a pod's role; empty when not known
 */
public record PodIdentity(
    String uid,
    String namespace,
    String name,
    String serviceAccount,
    String nodeName,
    List<InetAddress> ips,
    PodPhase phase,
    Instant deletionTimestamp,
    boolean hostNetwork,
    PodAnnotations annotations,
    String serviceAccountRoleArn,
    List<InetAddress> hostIps) {

  public PodIdentity {
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    ips = List.copyOf(ips);
    hostIps = hostIps == null ? List.of() : List.copyOf(hostIps);
    phase = phase == null ? PodPhase.UNKNOWN : phase;
    annotations = annotations == null ? PodAnnotations.NONE : annotations;
    serviceAccount =
        serviceAccount == null || serviceAccount.isEmpty() ? "default" : serviceAccount;
  }

  /** {@code namespace/name}, the way operators name a pod. */
  public String qualifiedName() {
    return namespace + "/" + name;
  }

  /** Whether {@code ip} is one of this pod's addresses. */
  public boolean hasIp(InetAddress ip) {
    return ips.contains(ip);
  }

  /** A copy with another service-account role, as the service-account view changes. */
  public PodIdentity withServiceAccountRoleArn(String roleArn) {
    return new PodIdentity(
        uid,
        namespace,
        name,
        serviceAccount,
        nodeName,
        ips,
        phase,
        deletionTimestamp,
        hostNetwork,
        annotations,
        roleArn,
        hostIps);
  }

  @Override
  public String toString() {
    return "Pod[" + qualifiedName() + ", uid=" + uid + "]";
  }
}
