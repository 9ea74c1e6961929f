package io.podium.core;

/**
 * Decides, for one pod, which role it may use and with which session: role resolution, then the
 * namespace policy, then the session's inputs. No I/O; the same decision serves requests and
 * prefetching.
 */
public final class RoleDecider {

  private final RoleResolver resolver;
  private final RolePolicy policy;
  private final SessionRequestFactory sessions;

  public RoleDecider(RoleResolver resolver, RolePolicy policy, SessionRequestFactory sessions) {
    this.resolver = resolver;
    this.policy = policy;
    this.sessions = sessions;
  }

  /** The decision for {@code pod} in a namespace governed by {@code namespace}. */
  public RoleOutcome decide(PodIdentity pod, NamespacePolicy namespace) {
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
          SessionRequest request = sessions.forPod(pod, resolved.role());
          yield new RoleOutcome.Permitted(pod, resolved.role(), resolved.source(), request);
        } catch (MalformedAnnotationException e) {
          yield new RoleOutcome.Refused(
              RoleOutcome.Refusal.INVALID_ANNOTATION, e.getMessage(), pod);
        }
      }
    };
  }
}
