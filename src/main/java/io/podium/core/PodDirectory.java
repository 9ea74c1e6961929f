package io.podium.core;

import io.podium.core.pod.PodIdentity;
import io.podium.core.pod.PodLookup;
import io.podium.core.role.NamespacePolicy;
import java.net.InetAddress;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** The port that answers "who holds this IP", fed by a pods file or by Kubernetes informers. */
public interface PodDirectory {

  /**
   * Finds the pod that holds {@code ip}. An implementation may wait, bounded and well under the
   * SDKs' one-second timeout, for news of a pod it has not seen yet; it never guesses.
   */
  CompletionStage<PodLookup> findByIp(InetAddress ip);

  /**
   * The pod with {@code uid} (a service-account token names it), waiting bounded as {@link
   * #findByIp} does for news of a pod not seen yet; empty when none is known by then.
   */
  CompletionStage<Optional<PodIdentity>> findByUid(String uid);

  /** The compiled policy of {@code namespace}; {@link NamespacePolicy#unannotated} when unknown. */
  NamespacePolicy namespacePolicy(String namespace);
}
