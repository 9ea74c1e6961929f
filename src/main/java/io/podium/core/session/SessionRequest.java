package io.podium.core.session;

import io.podium.core.role.RoleArn;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Every input of one AssumeRole call. It is the credential cache's key: two pods share cached
 * credentials only when every input is equal.
 *
 * @param externalId {@code null} when the pod gives none
 * @param tags session tags, sorted by key; empty when tagging is off
 * @param sourceIdentity {@code null} unless configured
 */
public record SessionRequest(
    RoleArn role,
    String sessionName,
    @Nullable String externalId,
    Duration duration,
    Map<String, String> tags,
    @Nullable String sourceIdentity) {

  public SessionRequest {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(sessionName, "sessionName");
    Objects.requireNonNull(duration, "duration");
    tags = Collections.unmodifiableSortedMap(new TreeMap<>(tags));
  }

  /** A request with only the mandatory inputs, as tests and simple callers need. */
  public static SessionRequest of(RoleArn role, String sessionName, Duration duration) {
    return new SessionRequest(role, sessionName, null, duration, Map.of(), null);
  }
}
