package io.podium.imds;

import io.podium.core.RoleOutcome;
import io.podium.core.broker.CachedCredentials;
import io.podium.core.pod.PodIdentity;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One record per credential handed to a pod, on the {@code podium.audit} logger so that it can be
 * shipped and kept apart. It names the pod, the role, the session and the access key id; never the
 * secret key or the session token.
 *
 * <p>A credential is recorded the first time it reaches a pod (per route); the same credential
 * handed to the same pod again adds nothing to the trail and is only counted ({@code
 * podium_audit_repeated_handouts_total}). So the trail grows with refreshes and pods, not with
 * requests: a pod polling in a loop cannot flood the log shipping, and the hot path does not pay a
 * JSON record per request. Memory is bounded: past {@link #MAX_REMEMBERED} handouts, those whose
 * credentials expired are forgotten, and if that is not enough all are (their next handouts are
 * recorded again: a record may repeat, none is lost).
 */
public final class AuditLog {

  static final int MAX_REMEMBERED = 65_536;
  private static final Logger audit = LoggerFactory.getLogger("podium.audit");

  private record Handout(String podUid, String accessKeyId, String route) {}

  private final Clock clock;
  private final Runnable repeats;
  private final int maxRemembered;
  private final Map<Handout, Instant> recorded = new ConcurrentHashMap<>();

  AuditLog(Clock clock, MetadataMetrics metrics) {
    this(clock, metrics::auditRepeat, MAX_REMEMBERED);
  }

  AuditLog(Clock clock, MetadataMetrics metrics, int maxRemembered) {
    this(clock, metrics::auditRepeat, maxRemembered);
  }

  /**
   * The audit trail of another endpoint that hands credentials to pods (container credentials).
   *
   * @param repeats counts a handout that adds no record because the pod had it already
   */
  public AuditLog(Clock clock, Runnable repeats) {
    this(clock, repeats, MAX_REMEMBERED);
  }

  AuditLog(Clock clock, Runnable repeats, int maxRemembered) {
    this.clock = clock;
    this.repeats = repeats;
    this.maxRemembered = maxRemembered;
  }

  /** Records that {@code credentials} were written to the pod of {@code permitted}. */
  void handedOut(RoleOutcome.Permitted permitted, CachedCredentials<?> credentials, Route route) {
    handedOut(permitted, credentials, route.label());
  }

  /**
   * Records that {@code credentials} were written to the pod of {@code permitted} through {@code
   * route} (a bounded label: the metadata API's routes, {@code container_credentials}).
   */
  public void handedOut(
      RoleOutcome.Permitted permitted, CachedCredentials<?> credentials, String route) {
    if (!audit.isInfoEnabled()) {
      // Turned off by configuration: skip the MDC and timestamp work too, not just the write.
      return;
    }
    PodIdentity pod = permitted.pod();
    String accessKeyId = credentials.credentials().accessKeyId();
    if (recorded.putIfAbsent(new Handout(pod.uid(), accessKeyId, route), credentials.expiration())
        != null) {
      repeats.run();
      return;
    }
    if (recorded.size() > maxRemembered) {
      forgetExpired();
    }
    String expiration = ImdsRenderer.timestamp(credentials.expiration());
    try (LogContext _ =
        LogContext.of(pod)
            .role(permitted.role())
            .accessKeyId(accessKeyId)
            .put("pod.node", pod.nodeName())
            .put("iam.session_name", credentials.request().sessionName())
            .put("credentials.expiration", expiration)
            .put("imds.route", route)) {
      audit.info(
          "Credentials {} of role {} (session {}, expiring {}) handed to pod {} (uid {}) on node {}"
              + " via {}",
          accessKeyId,
          permitted.role(),
          credentials.request().sessionName(),
          expiration,
          pod.qualifiedName(),
          pod.uid(),
          pod.nodeName(),
          route);
    }
  }

  private void forgetExpired() {
    Instant now = clock.instant();
    recorded.values().removeIf(expiration -> !expiration.isAfter(now));
    if (recorded.size() > maxRemembered) {
      recorded.clear();
    }
  }
}
