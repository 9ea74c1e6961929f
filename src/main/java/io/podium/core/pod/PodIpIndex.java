package io.podium.core.pod;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Who holds each pod IP, for every pod source (the pods file now, Kubernetes informers later).
 * Every address of a pod is indexed, so dual-stack pods are found by either. Several pods may claim
 * one IP (a finished pod whose IP was reused, or a stale record): a lookup answers with the one pod
 * that may hold credentials, and never picks when more than one may.
 *
 * <p>Thread-safe. Lookups are lock-free reads of immutable per-IP holders; writers serialise on the
 * index and replace each affected address's holders in one step, so a lookup on an address that a
 * pod keeps across an update sees either its old or its new version, never both and never neither.
 *
 * <p>A server indexes every pod of the cluster, and almost every address has one holder: it is kept
 * as the pod itself, and only a shared address as an array of its holders.
 *
 * <p>Node addresses win over pod records, whatever the pod source: those given ({@link
 * #setNodeAddresses}), and every host IP an indexed pod reports ({@code status.hostIPs}, which the
 * kubelet sets to its node's addresses). A non-host-network pod never legitimately holds a node's
 * address, so a record that claims one is stale, wrong or forged, and is not served.
 */
public final class PodIpIndex {

  private final ConcurrentHashMap<String, PodIdentity> byUid = new ConcurrentHashMap<>();
  // An address's holders: one PodIdentity, or a PodIdentity[] of two or more; never modified.
  private final ConcurrentHashMap<InetAddress, Object> byIp = new ConcurrentHashMap<>();
  private final LongAdder ambiguousLookups = new LongAdder();
  private volatile Set<InetAddress> nodeAddresses;
  // The host IPs indexed pods report, each with how many pods report it; changed under this.
  private final ConcurrentHashMap<InetAddress, Integer> reportedHostIps = new ConcurrentHashMap<>();

  /** An index with no node addresses. */
  public PodIpIndex() {
    this(Set.of());
  }

  /**
   * @param nodeAddresses the node's own addresses, which always answer {@link
   *     PodLookup.HostAddress}
   */
  public PodIpIndex(Collection<InetAddress> nodeAddresses) {
    this.nodeAddresses = Set.copyOf(nodeAddresses);
  }

  /** Replaces the node's own addresses, e.g. when the node's interfaces change. */
  public void setNodeAddresses(Collection<InetAddress> addresses) {
    this.nodeAddresses = Set.copyOf(addresses);
  }

  /**
   * Adds {@code pod}, or replaces the pod with the same uid; addresses the old version held and the
   * new one does not are released.
   *
   * @return the version it replaced
   */
  public synchronized Optional<PodIdentity> upsert(PodIdentity pod) {
    PodIdentity previous = byUid.put(pod.uid(), pod);
    // Counted before the pod's own addresses appear, so that no lookup finds a pod on an address
    // its own record says is the node's.
    countHostIps(pod.hostIps(), 1);
    if (previous != null) {
      countHostIps(previous.hostIps(), -1);
      for (InetAddress ip : previous.ips()) {
        if (!pod.hasIp(ip)) {
          byIp.computeIfPresent(ip, (key, holders) -> without(holders, pod.uid()));
        }
      }
    }
    for (InetAddress ip : pod.ips()) {
      // One compute per address swaps the old version for the new one atomically.
      byIp.compute(ip, (key, holders) -> with(holders, pod));
    }
    return Optional.ofNullable(previous);
  }

  /**
   * Forgets the pod with {@code uid} and releases its addresses.
   *
   * @return the pod removed, if it was known
   */
  public synchronized Optional<PodIdentity> remove(String uid) {
    PodIdentity previous = byUid.remove(uid);
    if (previous == null) {
      return Optional.empty();
    }
    for (InetAddress ip : previous.ips()) {
      byIp.computeIfPresent(ip, (key, holders) -> without(holders, uid));
    }
    countHostIps(previous.hostIps(), -1);
    return Optional.of(previous);
  }

  /** Whether {@code ip} is a node's: given as one, or reported by an indexed pod. */
  public boolean isNodeAddress(InetAddress ip) {
    return nodeAddresses.contains(ip) || reportedHostIps.containsKey(ip);
  }

  private void countHostIps(List<InetAddress> hostIps, int delta) {
    for (InetAddress ip : hostIps) {
      reportedHostIps.compute(
          ip,
          (key, count) -> {
            int now = (count == null ? 0 : count) + delta;
            return now <= 0 ? null : now;
          });
    }
  }

  /**
   * Who holds {@code ip} at {@code now}. The node's own addresses, and any IP a host-network pod
   * reports (which is the node's), are {@link PodLookup.HostAddress}. Otherwise, among the pods
   * indexed on {@code ip}, exactly one that may hold credentials is {@link PodLookup.Found},
   * several are {@link PodLookup.Ambiguous}, and none is {@link PodLookup.NotFound} with the
   * reason.
   */
  public PodLookup lookup(InetAddress ip, Instant now) {
    // Node addresses win over pod records: a non-host-network pod never legitimately has the
    // node's IP, so such a record is stale or wrong, and the node's IP must get no pod's role.
    if (isNodeAddress(ip)) {
      return new PodLookup.HostAddress(ip.getHostAddress() + " is an address of the node");
    }
    Object held = byIp.get(ip);
    if (held == null) {
      return new PodLookup.NotFound("no pod holds " + ip.getHostAddress());
    }
    if (held instanceof PodIdentity pod
        && !pod.hostNetwork()
        && CredentialEligibility.mayHoldCredentials(pod, now)) {
      // The usual case, answered without building a list of holders.
      return new PodLookup.Found(pod);
    }
    List<PodIdentity> holders = holders(held);
    @Nullable PodIdentity found = null;
    int eligible = 0;
    for (int i = 0; i < holders.size(); i++) {
      PodIdentity pod = holders.get(i);
      if (pod.hostNetwork()) {
        return new PodLookup.HostAddress(
            ip.getHostAddress()
                + " is the node's, used by host-network pod "
                + pod.qualifiedName());
      }
      if (CredentialEligibility.mayHoldCredentials(pod, now)) {
        found = pod;
        eligible++;
      }
    }
    if (eligible == 1) {
      // The one eligible holder was kept in found.
      return new PodLookup.Found(Objects.requireNonNull(found));
    }
    if (eligible > 1) {
      ambiguousLookups.increment();
      return new PodLookup.Ambiguous(
          holders.stream().filter(p -> CredentialEligibility.mayHoldCredentials(p, now)).toList());
    }
    List<String> reasons = new ArrayList<>(holders.size());
    for (PodIdentity pod : holders) {
      if (CredentialEligibility.check(pod, now) instanceof Eligibility.Ineligible(String reason)) {
        reasons.add(reason);
      }
    }
    return new PodLookup.NotFound(
        "no pod that may hold credentials holds "
            + ip.getHostAddress()
            + ": "
            + String.join("; ", reasons));
  }

  /** How many lookups found several pods that may hold credentials on one IP, for a metric. */
  public long ambiguousLookups() {
    return ambiguousLookups.sum();
  }

  /** The pod with {@code uid}, if indexed. */
  public Optional<PodIdentity> pod(String uid) {
    return Optional.ofNullable(byUid.get(uid));
  }

  /** A snapshot of every indexed pod, in no particular order. */
  public List<PodIdentity> pods() {
    return List.copyOf(byUid.values());
  }

  /** How many pods are indexed. */
  public int size() {
    return byUid.size();
  }

  /** The holders as a list (a view, not a copy: the array is never modified). */
  private static List<PodIdentity> holders(@Nullable Object held) {
    return switch (held) {
      case null -> List.of();
      case PodIdentity pod -> List.of(pod);
      case PodIdentity[] pods -> Arrays.asList(pods);
      default -> throw new IllegalStateException("not holders of an address: " + held);
    };
  }

  private static @Nullable Object with(@Nullable Object held, PodIdentity pod) {
    List<PodIdentity> updated = new ArrayList<>();
    for (PodIdentity holder : holders(held)) {
      if (!holder.uid().equals(pod.uid())) {
        updated.add(holder);
      }
    }
    updated.add(pod);
    return compact(updated);
  }

  private static @Nullable Object without(@Nullable Object held, String uid) {
    List<PodIdentity> updated = new ArrayList<>();
    for (PodIdentity holder : holders(held)) {
      if (!holder.uid().equals(uid)) {
        updated.add(holder);
      }
    }
    return compact(updated);
  }

  /**
   * The form kept for {@code holders}; {@code null} for none, which removes the entry from the map
   * (returned from compute), so released IPs leave nothing behind.
   */
  private static @Nullable Object compact(List<PodIdentity> holders) {
    return switch (holders.size()) {
      case 0 -> null;
      case 1 -> holders.getFirst();
      default -> holders.toArray(PodIdentity[]::new);
    };
  }
}
