package io.podium.testing;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Fixture builders for the Kubernetes objects tests put in the mock API server:
 *
 * <pre>{@code
 * client.resource(ApiObjects.pod("shop", "web").onNode("node-1").ip("10.0.0.5").role("web").build())
 *     .create();
 * }</pre>
 *
 * Immutable: each {@code with…} returns a new builder. Pods are Running on {@code node-1} with a
 * fresh uid unless told otherwise.
 */
public final class ApiObjects {

  private ApiObjects() {}

  public static PodSpec pod(String namespace, String name) {
    return new PodSpec(
        namespace,
        name,
        UUID.randomUUID().toString(),
        "node-1",
        List.of(),
        "Running",
        Map.of(),
        null,
        false,
        null,
        null);
  }

  /** A namespace whose {@code iam.amazonaws.com/permitted} is {@code regex} (null: none). */
  public static Namespace namespace(String name, String permittedRegex) {
    NamespaceBuilder builder =
        new NamespaceBuilder().withNewMetadata().withName(name).endMetadata();
    if (permittedRegex != null) {
      builder
          .editMetadata()
          .addToAnnotations("iam.amazonaws.com/permitted", permittedRegex)
          .endMetadata();
    }
    return builder.build();
  }

  /** A service account with {@code eks.amazonaws.com/role-arn} (null: none). */
  public static ServiceAccount serviceAccount(String namespace, String name, String roleArn) {
    ServiceAccountBuilder builder =
        new ServiceAccountBuilder()
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(name)
            .endMetadata();
    if (roleArn != null) {
      builder.editMetadata().addToAnnotations("eks.amazonaws.com/role-arn", roleArn).endMetadata();
    }
    return builder.build();
  }

  /** A pod under construction. */
  public record PodSpec(
      String namespace,
      String name,
      String uid,
      String node,
      List<String> ips,
      String podPhase,
      Map<String, String> annotations,
      String account,
      boolean onHostNetwork,
      String nodeIp,
      Instant deletionTimestamp) {

    public PodSpec onNode(String newNode) {
      return new PodSpec(
          namespace,
          name,
          uid,
          newNode,
          ips,
          podPhase,
          annotations,
          account,
          onHostNetwork,
          nodeIp,
          deletionTimestamp);
    }

    /** Adds an address to {@code status.podIPs}; twice for dual-stack. */
    public PodSpec ip(String ip) {
      List<String> more = new ArrayList<>(ips);
      more.add(ip);
      return new PodSpec(
          namespace,
          name,
          uid,
          node,
          more,
          podPhase,
          annotations,
          account,
          onHostNetwork,
          nodeIp,
          deletionTimestamp);
    }

    public PodSpec phase(String newPhase) {
      return new PodSpec(
          namespace,
          name,
          uid,
          node,
          ips,
          newPhase,
          annotations,
          account,
          onHostNetwork,
          nodeIp,
          deletionTimestamp);
    }

    /** Sets {@code iam.amazonaws.com/role}. */
    public PodSpec role(String role) {
      Map<String, String> more = new LinkedHashMap<>(annotations);
      more.put("iam.amazonaws.com/role", role);
      return new PodSpec(
          namespace,
          name,
          uid,
          node,
          ips,
          podPhase,
          more,
          account,
          onHostNetwork,
          nodeIp,
          deletionTimestamp);
    }

    public PodSpec serviceAccount(String account) {
      return new PodSpec(
          namespace,
          name,
          uid,
          node,
          ips,
          podPhase,
          annotations,
          account,
          onHostNetwork,
          nodeIp,
          deletionTimestamp);
    }

    /** On the host network: its pod IP is the node's. */
    public PodSpec hostNetwork() {
      return new PodSpec(
          namespace,
          name,
          uid,
          node,
          ips,
          podPhase,
          annotations,
          account,
          true,
          nodeIp,
          deletionTimestamp);
    }

    /** Sets {@code status.hostIP}, the node's address as the kubelet reports it. */
    public PodSpec hostIp(String ip) {
      return new PodSpec(
          namespace,
          name,
          uid,
          node,
          ips,
          podPhase,
          annotations,
          account,
          onHostNetwork,
          ip,
          deletionTimestamp);
    }

    /** Terminating, with its grace period ending at {@code until}. */
    public PodSpec terminatingUntil(Instant until) {
      return new PodSpec(
          namespace,
          name,
          uid,
          node,
          ips,
          podPhase,
          annotations,
          account,
          onHostNetwork,
          nodeIp,
          until);
    }

    public Pod build() {
      PodBuilder builder =
          new PodBuilder()
              .withNewMetadata()
              .withNamespace(namespace)
              .withName(name)
              .withUid(uid)
              .withAnnotations(annotations.isEmpty() ? null : annotations)
              .withDeletionTimestamp(
                  deletionTimestamp == null ? null : deletionTimestamp.toString())
              .endMetadata()
              .withNewSpec()
              .withNodeName(node)
              .withHostNetwork(onHostNetwork ? Boolean.TRUE : null)
              .withServiceAccountName(account)
              .addNewContainer()
              .withName("main")
              .withImage("busybox")
              .endContainer()
              .endSpec()
              .withNewStatus()
              .withPhase(podPhase)
              .withHostIP(nodeIp)
              .withPodIP(ips.isEmpty() ? null : ips.getFirst())
              .withPodIPs(ips.stream().map(PodIP::new).toList())
              .endStatus();
      return builder.build();
    }
  }
}
