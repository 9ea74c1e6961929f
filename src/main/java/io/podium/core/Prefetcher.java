package io.podium.core;

import io.podium.core.broker.CredentialBroker;
import io.podium.core.pod.CredentialEligibility;
import io.podium.core.pod.PodChangeListener;
import io.podium.core.pod.PodIdentity;
import io.podium.core.role.NamespacePolicy;
import io.podium.core.session.SessionRequest;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches credentials as soon as a pod may use them, and lets them go when it no longer can:
 * follows pod and namespace changes, holds each pod's session in the broker, and releases it when
 * the pod leaves, changes role, or loses its permission.
 *
 * <p>Keeps only the session each pod holds, not the pod: the pod source tells a pod again when its
 * namespace's policy changes.
 */
public final class Prefetcher implements PodChangeListener {

  private static final Logger log = LoggerFactory.getLogger(Prefetcher.class);

  private final CredentialBroker<?> broker;
  private final RoleDecider decider;
  private final Function<String, NamespacePolicy> namespaces;
  private final Clock clock;
  private final PodProblems problems;
  // The session each pod holds, by the pod's uid; pods holding none are not here.
  private final Map<String, SessionRequest> heldByUid = new HashMap<>();

  public Prefetcher(
      CredentialBroker<?> broker,
      RoleDecider decider,
      Function<String, NamespacePolicy> namespaces,
      Clock clock) {
    this(broker, decider, namespaces, clock, PodProblems.NONE);
  }

  /**
   * @param problems told when a pod's role is refused as the pod appears or its namespace changes,
   *     so that its owner hears of it before the pod first asks
   */
  public Prefetcher(
      CredentialBroker<?> broker,
      RoleDecider decider,
      Function<String, NamespacePolicy> namespaces,
      Clock clock,
      PodProblems problems) {
    this.broker = broker;
    this.decider = decider;
    this.namespaces = namespaces;
    this.clock = clock;
    this.problems = problems;
  }

  @Override
  public synchronized void podUpserted(PodIdentity pod) {
    SessionRequest wanted = wantedSession(pod);
    SessionRequest held =
        wanted == null ? heldByUid.remove(pod.uid()) : heldByUid.put(pod.uid(), wanted);
    if (Objects.equals(held, wanted)) {
      return;
    }
    if (wanted != null) {
      broker.hold(wanted);
    }
    if (held != null) {
      broker.release(held);
    }
  }

  @Override
  public synchronized void podRemoved(PodIdentity pod) {
    SessionRequest held = heldByUid.remove(pod.uid());
    if (held != null) {
      broker.release(held);
    }
  }

  /** Sessions currently held for pods. */
  public synchronized int heldSessions() {
    return heldByUid.size();
  }

  private @Nullable SessionRequest wantedSession(PodIdentity pod) {
    if (!CredentialEligibility.mayHoldCredentials(pod, clock.instant())) {
      return null;
    }
    RoleOutcome outcome = decider.decide(pod, namespaces.apply(pod.namespace()));
    if (outcome instanceof RoleOutcome.Permitted permitted) {
      return permitted.request();
    }
    if (outcome instanceof RoleOutcome.Refused refused) {
      log.debug("not prefetching for {}: {}", pod.qualifiedName(), refused.reason());
      problems.roleRefused(pod, refused);
    }
    return null;
  }
}
