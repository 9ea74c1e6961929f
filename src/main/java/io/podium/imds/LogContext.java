package io.podium.imds;

import io.podium.core.pod.PodIdentity;
import io.podium.core.role.RoleArn;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.MDC;

/**
 * Puts the dotted MDC keys ({@code pod.namespace}, {@code pod.name}, {@code iam.role}, …) around
 * one log call and removes them again, on the thread that logs: {@code try (LogContext _ =
 * LogContext.of(pod).role(role)) { log.info(…); }}.
 */
public final class LogContext implements AutoCloseable {

  private final List<String> keys = new ArrayList<>(8);

  private LogContext() {}

  /** A context naming {@code pod}, which may be {@code null} (the node itself, say). */
  public static LogContext of(PodIdentity pod) {
    LogContext context = new LogContext();
    if (pod != null) {
      context.put("pod.namespace", pod.namespace());
      context.put("pod.name", pod.name());
      context.put("pod.uid", pod.uid());
    }
    return context;
  }

  public LogContext role(RoleArn role) {
    return role == null ? this : put("iam.role", role.toString());
  }

  public LogContext accessKeyId(String accessKeyId) {
    return put("credentials.access_key_id", accessKeyId);
  }

  public LogContext put(String key, String value) {
    if (value != null) {
      MDC.put(key, value);
      keys.add(key);
    }
    return this;
  }

  @Override
  public void close() {
    for (String key : keys) {
      MDC.remove(key);
    }
  }
}
