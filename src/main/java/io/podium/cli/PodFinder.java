package io.podium.cli;

import io.podium.core.pod.PodIdentity;
import io.podium.core.pod.PodIpIndex;
import io.podium.core.pod.PodLookup;
import io.podium.core.role.NamespacePolicy;
import io.podium.kubernetes.ClusterPods;
import io.podium.kubernetes.FilePodDirectory;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Where {@code podium explain} looks pods up: the pods file, or the cluster once. */
interface PodFinder {

  Optional<PodIdentity> byName(String namespace, String name);

  /** Who holds {@code ip}, as the metadata API would see it. */
  PodLookup byIp(InetAddress ip);

  NamespacePolicy namespacePolicy(String namespace);

  /** What the pods come from, for "no pod … in …". */
  String description();

  static PodFinder of(FilePodDirectory pods, String description) {
    return new PodFinder() {
      @Override
      public Optional<PodIdentity> byName(String namespace, String name) {
        String wanted = namespace + "/" + name;
        return pods.pods().stream().filter(pod -> pod.qualifiedName().equals(wanted)).findFirst();
      }

      @Override
      public PodLookup byIp(InetAddress ip) {
        return pods.findByIp(ip).toCompletableFuture().orTimeout(2, TimeUnit.SECONDS).join();
      }

      @Override
      public NamespacePolicy namespacePolicy(String namespace) {
        return pods.namespacePolicy(namespace);
      }

      @Override
      public String description() {
        return description;
      }
    };
  }

  static PodFinder of(ClusterPods pods) {
    return new PodFinder() {
      @Override
      public Optional<PodIdentity> byName(String namespace, String name) {
        return pods.byName(namespace, name);
      }

      @Override
      public PodLookup byIp(InetAddress ip) {
        // The serving processes' own index judges who holds the IP (live, host network, two pods).
        PodIpIndex index = new PodIpIndex();
        pods.byIp(ip).forEach(index::upsert);
        return index.lookup(ip, Instant.now());
      }

      @Override
      public NamespacePolicy namespacePolicy(String namespace) {
        return pods.namespacePolicy(namespace);
      }

      @Override
      public String description() {
        return "the cluster";
      }
    };
  }
}
