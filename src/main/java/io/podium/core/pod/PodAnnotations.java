package io.podium.core.pod;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The pod annotations Podium reads; absent ones are {@code null}. Kept apart from the rest of the
 * pod's annotations so that the tracked projection stays small.
 */
public record PodAnnotations(
    @Nullable String role, @Nullable String externalId, @Nullable String sessionName) {

  public static final String ROLE = "iam.amazonaws.com/role";
  public static final String EXTERNAL_ID = "iam.amazonaws.com/external-id";
  public static final String SESSION_NAME = "iam.amazonaws.com/session-name";

  public static final PodAnnotations NONE = new PodAnnotations(null, null, null);

  /** Picks the annotations that matter from a pod's full annotation map (which may be null). */
  public static PodAnnotations from(@Nullable Map<String, String> annotations) {
    if (annotations == null || annotations.isEmpty()) {
      return NONE;
    }
    String role = annotations.get(ROLE);
    String externalId = annotations.get(EXTERNAL_ID);
    String sessionName = annotations.get(SESSION_NAME);
    if (role == null && externalId == null && sessionName == null) {
      return NONE;
    }
    return new PodAnnotations(role, externalId, sessionName);
  }
}
