package io.podium.agent;

import io.podium.core.CachedCredentials;
import io.podium.core.PodIdentity;
import io.podium.core.RoleOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One record per credentials document handed to a pod, on the {@code podium.audit} logger so that
 * it can be shipped and kept apart. It names the pod, the role, the session and the access key id;
 * never the secret key or the session token.
 */
final class AuditLog {

  private static final Logger audit = LoggerFactory.getLogger("podium.audit");

  /** Records that {@code credentials} were written to the pod of {@code permitted}. */
  void handedOut(RoleOutcome.Permitted permitted, CachedCredentials<?> credentials, Route route) {
    if (!audit.isInfoEnabled()) {
      // Turned off by configuration: skip the MDC and timestamp work too, not just the write.
      return;
    }
    PodIdentity pod = permitted.pod();
    String accessKeyId = credentials.credentials().accessKeyId();
    String expiration = ImdsRenderer.timestamp(credentials.expiration());
    try (LogContext _ =
        LogContext.of(pod)
            .role(permitted.role())
            .accessKeyId(accessKeyId)
            .put("pod.node", pod.nodeName())
            .put("iam.session_name", credentials.request().sessionName())
            .put("credentials.expiration", expiration)
            .put("imds.route", route.label())) {
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
          route.label());
    }
  }
}
