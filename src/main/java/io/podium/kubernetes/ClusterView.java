package io.podium.kubernetes;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.podium.core.WaitingPodLookup;
import io.podium.core.pod.PodAnnotations;
import io.podium.core.pod.PodChangeListener;
import io.podium.core.pod.PodIdentity;
import io.podium.core.pod.PodIpIndex;
import io.podium.core.role.NamespacePolicy;
import io.podium.core.role.RoleBaseArn;
import io.podium.core.session.WeakInterner;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compact view of a cluster that the informers keep up to date: every pod as a {@link
 * PodIdentity} in the {@link PodIpIndex}, each service account's {@code eks.amazonaws.com/role-arn}
 * and each namespace's compiled policy. The node's addresses are the host IPs its pods report.
 *
 * <p>Changes from the three informers arrive on their own threads and are applied one at a time
 * under one lock, so that a pod and its service account changing at once can never leave the pod
 * with a stale role. After each change the index is updated first, then the callers waiting for the
 * pod's IPs are answered, then the listeners are told.
 *
 * <p>A server tracks every pod of the cluster, and most of a pod's values are shared with others:
 * its namespace, node, service account, role annotation and node addresses. Each pod's record holds
 * the view's one instance of each value instead of the copy its manifest was decoded into; an
 * instance goes when no pod holds it any more.
 */
final class ClusterView {

  private static final Logger log = LoggerFactory.getLogger(ClusterView.class);

  private final String nodeName;
  private final Optional<RoleBaseArn> roleBaseArn;
  private final PodIpIndex index;
  private final WaitingPodLookup lookups;
  private final PodListeners listeners = new PodListeners();
  private final Object lock = new Object();

  // Read without the lock on the request path.
  private final ConcurrentHashMap<String, NamespacePolicy> policies = new ConcurrentHashMap<>();

  // Guarded by lock.
  private final Map<InetAddress, Integer> nodeAddressCounts = new HashMap<>();
  private final Map<String, String> serviceAccountRoles = new HashMap<>();
  private final Map<String, NamespaceAnnotations> namespaces = new HashMap<>();
  private final WeakInterner<String> strings = new WeakInterner<>();
  private final WeakInterner<PodAnnotations> annotations = new WeakInterner<>();
  private final WeakInterner<List<InetAddress>> hostIpLists = new WeakInterner<>();

  /**
   * @param nodeName the node whose pods are tracked; {@code null} tracks every pod. The watch
   *     already filters by node; pods of another node that arrive anyway are ignored.
   */
  ClusterView(
      String nodeName,
      Optional<RoleBaseArn> roleBaseArn,
      PodIpIndex index,
      WaitingPodLookup lookups) {
    this.nodeName = nodeName;
    this.roleBaseArn = roleBaseArn;
    this.index = index;
    this.lookups = lookups;
  }

  /**
   * Adds a listener, which first hears every current pod as {@link PodChangeListener#podUpserted},
   * then every change.
   */
  void addListener(PodChangeListener listener) {
    synchronized (lock) {
      listeners.add(listener, index.pods());
    }
  }

  /**
   * Tells {@code listener} every current pod again, as {@link PodChangeListener#podUpserted}, in
   * order with the other events; nothing if it is not a listener (yet: adding it tells every pod).
   */
  void retell(PodChangeListener listener) {
    synchronized (lock) {
      listeners.retell(listener, index.pods());
    }
  }

  NamespacePolicy namespacePolicy(String namespace) {
    NamespacePolicy policy = policies.get(namespace);
    return policy != null ? policy : NamespacePolicy.unannotated(namespace);
  }

  // --- pods ---------------------------------------------------------------------------------

  /** A pod was added or changed. */
  void podChanged(Pod pod) {
    synchronized (lock) {
      PodIdentity identity;
      try {
        String account = serviceAccountKey(PodProjection.namespaceOf(pod), pod);
        identity = shared(PodProjection.project(pod, serviceAccountRoles.get(account)));
      } catch (IllegalArgumentException e) {
        log.warn("ignoring a pod the API server sent: {}", e.getMessage());
        return;
      }
      if (nodeName != null && !nodeName.equals(identity.nodeName())) {
        // Never this node's business; if it was (a pod cannot move, but be sure), forget it.
        removeLocked(identity.uid());
        return;
      }
      upsertLocked(identity);
    }
  }

  /**
   * A pod changed from {@code before} (a stub of the item store: its metadata only) to {@code
   * after}. Under one name there may now be another pod: deleted and re-created while the watch was
   * away, which a re-list reports as an update of the name.
   */
  void podUpdated(Pod before, Pod after) {
    synchronized (lock) {
      if (!Objects.equals(uidOf(before), uidOf(after))) {
        podDeleted(before);
      }
      podChanged(after);
    }
  }

  /** A pod is gone ({@code pod} may be a stub carrying only its metadata). */
  void podDeleted(Pod pod) {
    String uid = uidOf(pod);
    if (uid == null) {
      return;
    }
    synchronized (lock) {
      removeLocked(uid);
    }
  }

  private void upsertLocked(PodIdentity identity) {
    Optional<PodIdentity> previous = index.upsert(identity);
    if (previous.isPresent() && previous.get().equals(identity)) {
      return;
    }
    Set<InetAddress> touched = new LinkedHashSet<>(identity.ips());
    previous.ifPresent(p -> touched.addAll(p.ips()));
    touched.addAll(hostIpsChanged(previous.map(PodIdentity::hostIps), identity.hostIps()));
    lookups.ipsChanged(touched);
    lookups.podChanged(identity.uid());
    listeners.upserted(identity);
  }

  private void removeLocked(String uid) {
    Optional<PodIdentity> removed = index.remove(uid);
    if (removed.isEmpty()) {
      return;
    }
    Set<InetAddress> touched = new LinkedHashSet<>(removed.get().ips());
    touched.addAll(hostIpsChanged(removed.map(PodIdentity::hostIps), List.of()));
    lookups.ipsChanged(touched);
    listeners.removed(removed.get());
  }

  /**
   * Counts the host IPs one pod reports: the node's addresses are those of all its pods.
   *
   * @return the addresses whose answer may have changed
   */
  private List<InetAddress> hostIpsChanged(
      Optional<List<InetAddress>> reportedBefore, List<InetAddress> reported) {
    List<InetAddress> before = reportedBefore.orElse(List.of());
    if (before.equals(reported)) {
      return List.of();
    }
    // The index's set of node addresses is copied whole; in a server (every node's pods) that is
    // thousands of addresses, so it is replaced only when an address appears or disappears, not
    // for every pod that reports its node's known address.
    boolean addressesChanged = false;
    for (InetAddress ip : before) {
      if (nodeAddressCounts.computeIfPresent(ip, (k, n) -> n == 1 ? null : n - 1) == null) {
        addressesChanged = true;
      }
    }
    for (InetAddress ip : reported) {
      if (nodeAddressCounts.merge(ip, 1, Integer::sum) == 1) {
        addressesChanged = true;
      }
    }
    if (addressesChanged) {
      index.setNodeAddresses(nodeAddressCounts.keySet());
    }
    List<InetAddress> touched = new ArrayList<>(reported);
    touched.addAll(before);
    return touched;
  }

  // --- service accounts ---------------------------------------------------------------------

  /** A service account was added or changed: its pods take its role. */
  void serviceAccountChanged(ServiceAccount account) {
    ObjectMeta metadata = account.getMetadata();
    if (metadata == null || metadata.getName() == null) {
      return;
    }
    setServiceAccountRole(
        namespaceOf(metadata), metadata.getName(), PodProjection.serviceAccountRoleArn(account));
  }

  void serviceAccountDeleted(ServiceAccount account) {
    ObjectMeta metadata = account.getMetadata();
    if (metadata == null || metadata.getName() == null) {
      return;
    }
    setServiceAccountRole(namespaceOf(metadata), metadata.getName(), null);
  }

  private void setServiceAccountRole(String namespace, String name, String roleArn) {
    String key = namespace + "/" + name;
    synchronized (lock) {
      String before =
          roleArn == null ? serviceAccountRoles.remove(key) : serviceAccountRoles.put(key, roleArn);
      if (Objects.equals(before, roleArn)) {
        return;
      }
      List<PodIdentity> affected = new ArrayList<>();
      for (PodIdentity pod : index.pods()) {
        if (pod.namespace().equals(namespace) && pod.serviceAccount().equals(name)) {
          affected.add(pod);
        }
      }
      for (PodIdentity pod : affected) {
        upsertLocked(pod.withServiceAccountRoleArn(roleArn));
      }
    }
  }

  // --- namespaces ---------------------------------------------------------------------------

  /** A namespace was added or changed: a new policy takes effect at once. */
  void namespaceChanged(Namespace namespace) {
    NamespaceAnnotations annotations;
    try {
      annotations = NamespaceProjection.annotations(namespace);
    } catch (IllegalArgumentException e) {
      log.warn("ignoring a namespace the API server sent: {}", e.getMessage());
      return;
    }
    synchronized (lock) {
      NamespaceAnnotations before = namespaces.put(annotations.namespace(), annotations);
      if (annotations.equals(before)) {
        return;
      }
      NamespacePolicy policy = annotations.compile(roleBaseArn);
      if (!policy.problems().isEmpty()) {
        log.warn(
            "namespace {} permits nothing through its broken annotations: {}",
            annotations.namespace(),
            String.join("; ", policy.problems()));
      }
      policies.put(annotations.namespace(), policy);
      tellNamespaceChanged(annotations.namespace());
    }
  }

  void namespaceDeleted(Namespace namespace) {
    String name = namespace.getMetadata() == null ? null : namespace.getMetadata().getName();
    if (name == null) {
      return;
    }
    synchronized (lock) {
      if (namespaces.remove(name) != null) {
        policies.remove(name);
        tellNamespaceChanged(name);
      }
    }
  }

  /** Tells the namespace's pods again, for the listeners to judge them with its new policy. */
  private void tellNamespaceChanged(String namespace) {
    List<PodIdentity> pods = new ArrayList<>();
    for (PodIdentity pod : index.pods()) {
      if (pod.namespace().equals(namespace)) {
        pods.add(pod);
      }
    }
    listeners.changed(List.of(), pods);
  }

  // --- helpers ------------------------------------------------------------------------------

  /**
   * The uid the view knows {@code pod} by: its own, or for a pod written without one the uid its
   * projection makes up from its name; {@code null} without a name.
   */
  private static String uidOf(Pod pod) {
    ObjectMeta metadata = pod.getMetadata();
    if (metadata == null || metadata.getName() == null) {
      return null;
    }
    String uid = metadata.getUid();
    return uid == null || uid.isBlank()
        ? PodProjection.syntheticUid(PodProjection.namespaceOf(pod), metadata.getName())
        : uid;
  }

  /** {@code pod} holding the view's instances of the values pods share. */
  private PodIdentity shared(PodIdentity pod) {
    return new PodIdentity(
        pod.uid(),
        strings.intern(pod.namespace()),
        pod.name(),
        strings.intern(pod.serviceAccount()),
        strings.intern(pod.nodeName()),
        pod.ips(),
        pod.phase(),
        pod.deletionTimestamp(),
        pod.hostNetwork(),
        annotations.intern(pod.annotations()),
        strings.intern(pod.serviceAccountRoleArn()),
        hostIpLists.intern(pod.hostIps()));
  }

  private static String serviceAccountKey(String namespace, Pod pod) {
    return namespace + "/" + PodProjection.serviceAccountName(pod);
  }

  private static String namespaceOf(ObjectMeta metadata) {
    String namespace = metadata.getNamespace();
    return namespace == null || namespace.isBlank() ? PodProjection.DEFAULT_NAMESPACE : namespace;
  }
}
