package io.podium.testing;

import io.podium.core.pod.PodAnnotations;
import io.podium.core.pod.PodIdentity;
import io.podium.core.pod.PodPhase;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Fixture builder for {@link PodIdentity}, so that a test says only what matters to it:
 *
 * <pre>{@code
 * PodIdentity web = TestPods.running("ns", "web").withIp("10.0.0.5").withRole("reader").build();
 * }</pre>
 *
 * <p>Builders are immutable: every {@code with…} returns a new one, so a base fixture can be shared
 * and varied. Defaults: service account {@code default}, node {@code node-1}, no IP (a pod gets an
 * address only when the test gives it one, so that two fixtures never share an IP by accident), no
 * annotations, and a uid derived from namespace and name (the same pod built twice is equal; use
 * {@link Builder#withUid} for a new pod that reuses a name).
 */
public final class TestPods {

  /** The node fixtures are scheduled on unless {@link Builder#onNode} says otherwise. */
  public static final String DEFAULT_NODE = "node-1";

  private TestPods() {}

  /** A Running pod in {@code namespace}; add its IP with {@link Builder#withIp}. */
  public static Builder running(String namespace, String name) {
    return new Builder(namespace, name).running();
  }

  /** A Pending pod in {@code namespace}, as seen between scheduling and its containers starting. */
  public static Builder pending(String namespace, String name) {
    return new Builder(namespace, name).pending();
  }

  /** Parses an IP literal without any name lookup, for tests that need the caller's address. */
  public static InetAddress ip(String literal) {
    return InetAddress.ofLiteral(literal);
  }

  /** {@code pod} reporting {@code hostIps} as its node's addresses ({@code status.hostIPs}). */
  public static PodIdentity reportingHost(PodIdentity pod, String... hostIps) {
    return new PodIdentity(
        pod.uid(),
        pod.namespace(),
        pod.name(),
        pod.serviceAccount(),
        pod.nodeName(),
        pod.ips(),
        pod.phase(),
        pod.deletionTimestamp(),
        pod.hostNetwork(),
        pod.annotations(),
        pod.serviceAccountRoleArn(),
        Arrays.stream(hostIps).map(TestPods::ip).toList());
  }

  /** An immutable description of one pod; {@link #build()} makes the {@link PodIdentity}. */
  public static final class Builder {
    private final String namespace;
    private final String name;
    private final String uid;
    private final String serviceAccount;
    private final String nodeName;
    private final List<InetAddress> ips;
    private final PodPhase phase;
    private final Instant deletionTimestamp;
    private final boolean hostNetwork;
    private final PodAnnotations annotations;
    private final String serviceAccountRoleArn;

    private Builder(String namespace, String name) {
      this(
          namespace,
          name,
          UUID.nameUUIDFromBytes((namespace + "/" + name).getBytes(StandardCharsets.UTF_8))
              .toString(),
          "default",
          DEFAULT_NODE,
          List.of(),
          PodPhase.RUNNING,
          null,
          false,
          PodAnnotations.NONE,
          null);
    }

    private Builder(
        String namespace,
        String name,
        String uid,
        String serviceAccount,
        String nodeName,
        List<InetAddress> ips,
        PodPhase phase,
        Instant deletionTimestamp,
        boolean hostNetwork,
        PodAnnotations annotations,
        String serviceAccountRoleArn) {
      this.namespace = namespace;
      this.name = name;
      this.uid = uid;
      this.serviceAccount = serviceAccount;
      this.nodeName = nodeName;
      this.ips = List.copyOf(ips);
      this.phase = phase;
      this.deletionTimestamp = deletionTimestamp;
      this.hostNetwork = hostNetwork;
      this.annotations = annotations;
      this.serviceAccountRoleArn = serviceAccountRoleArn;
    }

    /** Adds an address to {@code status.podIPs}; call twice for a dual-stack pod. */
    public Builder withIp(String ipLiteral) {
      List<InetAddress> more = new ArrayList<>(ips);
      more.add(ip(ipLiteral));
      return new Builder(
          namespace,
          name,
          uid,
          serviceAccount,
          nodeName,
          more,
          phase,
          deletionTimestamp,
          hostNetwork,
          annotations,
          serviceAccountRoleArn);
    }

    /** Removes every address, as for a pod the CNI has not wired yet. */
    public Builder withoutIp() {
      return new Builder(
          namespace,
          name,
          uid,
          serviceAccount,
          nodeName,
          List.of(),
          phase,
          deletionTimestamp,
          hostNetwork,
          annotations,
          serviceAccountRoleArn);
    }

    /** Sets the {@code iam.amazonaws.com/role} annotation (a role name or a full ARN). */
    public Builder withRole(String role) {
      return withAnnotations(
          new PodAnnotations(role, annotations.externalId(), annotations.sessionName()));
    }

    /** Sets the {@code iam.amazonaws.com/external-id} annotation. */
    public Builder withExternalId(String externalId) {
      return withAnnotations(
          new PodAnnotations(annotations.role(), externalId, annotations.sessionName()));
    }

    /** Sets the {@code iam.amazonaws.com/session-name} annotation. */
    public Builder withSessionName(String sessionName) {
      return withAnnotations(
          new PodAnnotations(annotations.role(), annotations.externalId(), sessionName));
    }

    /** Replaces all of the annotations Podium reads. */
    public Builder withAnnotations(PodAnnotations newAnnotations) {
      return new Builder(
          namespace,
          name,
          uid,
          serviceAccount,
          nodeName,
          ips,
          phase,
          deletionTimestamp,
          hostNetwork,
          newAnnotations,
          serviceAccountRoleArn);
    }

    /** Runs the pod as another service account. */
    public Builder withServiceAccount(String newServiceAccount) {
      return new Builder(
          namespace,
          name,
          uid,
          newServiceAccount,
          nodeName,
          ips,
          phase,
          deletionTimestamp,
          hostNetwork,
          annotations,
          serviceAccountRoleArn);
    }

    /** Gives the pod's service account an {@code eks.amazonaws.com/role-arn} annotation. */
    public Builder withServiceAccountRole(String roleArn) {
      return new Builder(
          namespace,
          name,
          uid,
          serviceAccount,
          nodeName,
          ips,
          phase,
          deletionTimestamp,
          hostNetwork,
          annotations,
          roleArn);
    }

    /** Schedules the pod on {@code node}; {@code null} for a pod not scheduled yet. */
    public Builder onNode(String node) {
      return new Builder(
          namespace,
          name,
          uid,
          serviceAccount,
          node,
          ips,
          phase,
          deletionTimestamp,
          hostNetwork,
          annotations,
          serviceAccountRoleArn);
    }

    /** Sets the uid, e.g. for a new pod that reuses an old pod's name or IP. */
    public Builder withUid(String newUid) {
      return new Builder(
          namespace,
          name,
          newUid,
          serviceAccount,
          nodeName,
          ips,
          phase,
          deletionTimestamp,
          hostNetwork,
          annotations,
          serviceAccountRoleArn);
    }

    public Builder pending() {
      return inPhase(PodPhase.PENDING);
    }

    public Builder running() {
      return inPhase(PodPhase.RUNNING);
    }

    public Builder succeeded() {
      return inPhase(PodPhase.SUCCEEDED);
    }

    public Builder failed() {
      return inPhase(PodPhase.FAILED);
    }

    /** Any phase, {@link PodPhase#UNKNOWN} included. */
    public Builder inPhase(PodPhase newPhase) {
      return new Builder(
          namespace,
          name,
          uid,
          serviceAccount,
          nodeName,
          ips,
          newPhase,
          deletionTimestamp,
          hostNetwork,
          annotations,
          serviceAccountRoleArn);
    }

    /** Puts the pod on the host network, where it shares the node's IP. */
    public Builder hostNetwork() {
      return new Builder(
          namespace,
          name,
          uid,
          serviceAccount,
          nodeName,
          ips,
          phase,
          deletionTimestamp,
          true,
          annotations,
          serviceAccountRoleArn);
    }

    /** Marks the pod terminating, with its grace period ending at {@code deletionTimestamp}. */
    public Builder terminatingUntil(Instant deletionTimestamp) {
      return new Builder(
          namespace,
          name,
          uid,
          serviceAccount,
          nodeName,
          ips,
          phase,
          deletionTimestamp,
          hostNetwork,
          annotations,
          serviceAccountRoleArn);
    }

    public PodIdentity build() {
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
          serviceAccountRoleArn,
          List.of());
    }
  }
}
