package io.podium.core.session;

import io.podium.core.pod.PodAnnotations;
import io.podium.core.pod.PodIdentity;
import io.podium.core.role.RoleArn;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Builds the AssumeRole inputs for a pod and its resolved role: the session name (the pod's {@code
 * iam.amazonaws.com/session-name}, else the template), its external id, the duration, the
 * configured session tags and SourceIdentity.
 *
 * <p>Equal requests come back as one instance while any holder keeps it: pods of one session (often
 * thousands in a server) then share one request, with its role and strings, instead of each pod's
 * decision, prefetch hold and stream state keeping its own copy.
 */
public final class SessionRequestFactory {

  // STS's own rule for ExternalId; our pattern, not user input.
  private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");
  private static final Pattern TAG_VALUE_FORBIDDEN =
      Pattern.compile("[^\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]");
  private static final int MAX_TAG_VALUE = 256;

  private final SessionNameTemplate sessionNames;
  private final SessionDurations durations;
  private final Set<SessionTag> tags;
  private final Optional<String> clusterName;
  private final Optional<SessionNameTemplate> sourceIdentity;
  private final WeakInterner<SessionRequest> requests = new WeakInterner<>();

  public SessionRequestFactory(
      SessionNameTemplate sessionNames,
      SessionDurations durations,
      Set<SessionTag> tags,
      Optional<String> clusterName,
      Optional<SessionNameTemplate> sourceIdentity) {
    if (tags.contains(SessionTag.CLUSTER) && clusterName.isEmpty()) {
      throw new IllegalArgumentException("the cluster session tag needs --cluster-name");
    }
    this.sessionNames = sessionNames;
    this.durations = durations;
    this.tags = Set.copyOf(tags);
    this.clusterName = clusterName;
    this.sourceIdentity = sourceIdentity;
  }

  /** Default naming and durations, no tags, no SourceIdentity. */
  public static SessionRequestFactory withDefaults() {
    return new SessionRequestFactory(
        SessionNameTemplate.parse(SessionNameTemplate.DEFAULT),
        SessionDurations.defaults(),
        Set.of(),
        Optional.empty(),
        Optional.empty());
  }

  public SessionDurations durations() {
    return durations;
  }

  /**
   * The session request for {@code pod} assuming {@code role}: the instance already in use for an
   * equal request, if there is one.
   *
   * @throws MalformedAnnotationException when the pod's external id cannot be sent to STS
   */
  public SessionRequest forPod(PodIdentity pod, RoleArn role) {
    PodAnnotations annotations = pod.annotations();
    String sessionName =
        annotations.sessionName() != null && !annotations.sessionName().isBlank()
            ? SessionNames.sanitize(annotations.sessionName().strip())
            : sessionNames.render(pod);
    return requests.intern(
        new SessionRequest(
            role,
            sessionName,
            externalId(annotations.externalId()),
            durations.session(),
            tagsFor(pod),
            sourceIdentity.map(template -> template.render(pod)).orElse(null)));
  }

  private static String externalId(String value) {
    if (value == null) {
      return null;
    }
    String trimmed = value.strip();
    if (!EXTERNAL_ID.matcher(trimmed).matches()) {
      throw new MalformedAnnotationException(
          PodAnnotations.EXTERNAL_ID
              + " must be 2 to 1224 characters of letters, digits and +=,.@:/_-");
    }
    return trimmed;
  }

  private Map<String, String> tagsFor(PodIdentity pod) {
    if (tags.isEmpty()) {
      return Map.of();
    }
    Map<String, String> values = new TreeMap<>();
    for (SessionTag tag : tags) {
      String value =
          switch (tag) {
            case NAMESPACE -> pod.namespace();
            case POD_NAME -> pod.name();
            case POD_UID -> pod.uid();
            case SERVICE_ACCOUNT -> pod.serviceAccount();
            case CLUSTER -> clusterName.orElseThrow();
          };
      values.put(tag.key(), tagValue(value));
    }
    return values;
  }

  private static String tagValue(String raw) {
    String clean = TAG_VALUE_FORBIDDEN.matcher(raw).replaceAll("-");
    return clean.length() <= MAX_TAG_VALUE ? clean : clean.substring(0, MAX_TAG_VALUE);
  }
}
