package io.podium.core;

import io.podium.core.pod.PodLookup;
import io.podium.core.role.NamespacePolicy;
import java.net.InetAddress;
import java.util.concurrent.CompletionStage;

/** The port that answers "who holds this IP", fed by a pods file or by Kubernetes informers. */
public interface PodDirectory {

  /**
   * Finds the pod that holds {@code ip}. An implementation may wait, bounded and well under the
   * SDKs' one-second timeout, for news of a pod it has not seen yet; it never guesses.
   */
  CompletionStage<PodLookup> findByIp(InetAddress ip);

  /** The compiled policy of {@code namespace}; {@link NamespacePolicy#unannotated} when unknown. */
  NamespacePolicy namespacePolicy(String namespace);
}
