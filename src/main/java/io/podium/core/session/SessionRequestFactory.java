package io.podium.core.session;

import io.podium.core.pod.PodAnnotations;
import io.podium.core.pod.PodIdentity;
import io.podium.core.role.RoleArn;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Builds the AssumeRole inputs for a pod and its resolved role: the session name, its external id,
 * the duration, the configured session tags and SourceIdentity.
 *
 * <p>Session names stay inside the pod's namespace prefix ({@link SessionNameScope#NAMESPACE}, the
 * default): the template must be {@link SessionNameTemplate#namespacePrefixed()}, and a pod's
 * {@code iam.amazonaws.com/session-name} is honoured only where its namespace allows it, and then
 * within that prefix ({@code shop@batch-job}). So a pod can never take a session name of another
 * namespace, and trust policies may rely on {@code sts:RoleSessionName}. {@link
 * SessionNameScope#UNSCOPED} keeps the behaviour before: any template, and the annotation verbatim
 * in every namespace.
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
  private final SessionNameScope scope;
  private final SessionDurations durations;
  private final Set<SessionTag> tags;
  private final Optional<String> clusterName;
  private final Optional<SessionNameTemplate> sourceIdentity;
  private final WeakInterner<SessionRequest> requests = new WeakInterner<>();

  /** Session names scoped to their namespace ({@link SessionNameScope#NAMESPACE}). */
  public SessionRequestFactory(
      SessionNameTemplate sessionNames,
      SessionDurations durations,
      Set<SessionTag> tags,
      Optional<String> clusterName,
      Optional<SessionNameTemplate> sourceIdentity) {
    this(sessionNames, SessionNameScope.NAMESPACE, durations, tags, clusterName, sourceIdentity);
  }

  /**
   * @throws IllegalArgumentException when the cluster tag lacks a cluster name, or namespace-scoped
   *     names are asked of a template without a namespace prefix
   */
  public SessionRequestFactory(
      SessionNameTemplate sessionNames,
      SessionNameScope scope,
      SessionDurations durations,
      Set<SessionTag> tags,
      Optional<String> clusterName,
      Optional<SessionNameTemplate> sourceIdentity) {
    if (tags.contains(SessionTag.CLUSTER) && clusterName.isEmpty()) {
      throw new IllegalArgumentException("the cluster session tag needs --cluster-name");
    }
    if (scope == SessionNameScope.NAMESPACE && !sessionNames.namespacePrefixed()) {
      throw new IllegalArgumentException(
          "--session-name-template '"
              + sessionNames
              + "' must start with {namespace} and one of "
              + SessionNameTemplate.SEPARATORS
              + " (e.g. "
              + SessionNameTemplate.DEFAULT
              + "), so that every session name starts with its namespace's prefix and trust"
              + " policies can rely on it; --unscoped-session-names allows any template");
    }
    this.sessionNames = sessionNames;
    this.scope = scope;
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

  /** {@link #forPod(PodIdentity, RoleArn, boolean)} in a namespace that chooses no names. */
  public SessionRequest forPod(PodIdentity pod, RoleArn role) {
    return forPod(pod, role, false);
  }

  /**
   * The session request for {@code pod} assuming {@code role}: the instance already in use for an
   * equal request, if there is one.
   *
   * @param podSessionNames whether the pod's namespace lets its pods choose their session names
   *     ({@code podium.io/allow-pod-session-names}); irrelevant when names are unscoped
   * @throws MalformedAnnotationException when the pod's external id cannot be sent to STS
   */
  public SessionRequest forPod(PodIdentity pod, RoleArn role, boolean podSessionNames) {
    return requests.intern(
        new SessionRequest(
            role,
            sessionName(pod, podSessionNames),
            externalId(pod.annotations().externalId()),
            durations.session(),
            tagsFor(pod),
            sourceIdentity.map(template -> template.render(pod)).orElse(null)));
  }

  private String sessionName(PodIdentity pod, boolean podSessionNames) {
    String chosen = pod.annotations().sessionName();
    if (chosen == null || chosen.isBlank()) {
      return sessionNames.render(pod);
    }
    return switch (scope) {
      case UNSCOPED -> SessionNames.sanitize(chosen.strip());
      // A name the namespace did not allow is ignored, not refused: the pod still gets its role.
      case NAMESPACE ->
          podSessionNames
              ? sessionNames.renderWithin(pod, chosen.strip())
              : sessionNames.render(pod);
    };
  }

  private static @Nullable String externalId(@Nullable String value) {
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
