package io.podium.core;

import io.podium.core.pod.PodIdentity;
import io.podium.core.role.Decision;
import io.podium.core.role.NamespacePolicy;
import io.podium.core.role.RolePolicy;
import io.podium.core.role.RoleResolution;
import io.podium.core.role.RoleResolver;
import io.podium.core.session.MalformedAnnotationException;
import io.podium.core.session.SessionRequest;
import io.podium.core.session.SessionRequestFactory;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides, for one pod, which role it may use and with which session: role resolution, then the
 * namespace policy, then the session's inputs. No I/O; the same decision serves requests and
 * prefetching.
 *
 * <p>A decision depends only on the pod's record and its namespace's compiled policy, both
 * immutable and replaced (never changed) when the pod or the namespace changes. So the last
 * decision for each pod is remembered and reused while both are the very same objects: every
 * request of a pod would otherwise resolve its role, match the policy and build its session anew,
 * and the prefetcher's hold and the requests then share one {@link SessionRequest} instance.
 */
public final class RoleDecider {

  /** Far above a node's pods; a server deciding for more pods only decides afresh more often. */
  static final int MAX_REMEMBERED = 4096;

  private record Remembered(PodIdentity pod, NamespacePolicy namespace, RoleOutcome outcome) {}

  private final RoleResolver resolver;
  private final RolePolicy policy;
  private final SessionRequestFactory sessions;
  private final ConcurrentHashMap<String, Remembered> remembered = new ConcurrentHashMap<>();

  public RoleDecider(RoleResolver resolver, RolePolicy policy, SessionRequestFactory sessions) {
    this.resolver = resolver;
    this.policy = policy;
    this.sessions = sessions;
  }

  /** The decision for {@code pod} in a namespace governed by {@code namespace}. */
  @SuppressWarnings("ReferenceEquality") // the comparison below is by reference on purpose
  public RoleOutcome decide(PodIdentity pod, NamespacePolicy namespace) {
    Remembered last = remembered.get(pod.uid());
    // By reference on purpose: equal-looking records decided before are not known to be the same.
    if (last != null && last.pod() == pod && last.namespace() == namespace) {
      return last.outcome();
    }
    RoleOutcome outcome = decideAfresh(pod, namespace);
    if (remembered.size() >= MAX_REMEMBERED) {
      // Bounded memory: forgetting costs only a fresh decision next time.
      remembered.clear();
    }
    remembered.put(pod.uid(), new Remembered(pod, namespace, outcome));
    return outcome;
  }

  private RoleOutcome decideAfresh(PodIdentity pod, NamespacePolicy namespace) {
    return switch (resolver.resolve(pod)) {
      case RoleResolution.NoRole noRole -> new RoleOutcome.NoRole(pod);
      case RoleResolution.Invalid invalid ->
          new RoleOutcome.Refused(RoleOutcome.Refusal.INVALID_ANNOTATION, invalid.reason(), pod);
      case RoleResolution.Resolved resolved -> permit(pod, namespace, resolved);
    };
  }

  private RoleOutcome permit(
      PodIdentity pod, NamespacePolicy namespace, RoleResolution.Resolved resolved) {
    return switch (policy.decide(namespace, resolved.role())) {
      case Decision.Denied denied ->
          new RoleOutcome.Refused(RoleOutcome.Refusal.POLICY_DENIED, denied.explanation(), pod);
      case Decision.Allowed allowed -> {
        try {
          SessionRequest request =
              sessions.forPod(pod, resolved.role(), namespace.podSessionNames());
          // The request's role equals the resolved one; the request's instance is shared by
          // every pod of the session, the resolved one is this pod's own copy.
          yield new RoleOutcome.Permitted(pod, request.role(), resolved.source(), request);
        } catch (MalformedAnnotationException e) {
          yield new RoleOutcome.Refused(
              RoleOutcome.Refusal.INVALID_ANNOTATION, e.getMessage(), pod);
        }
      }
    };
  }
}
