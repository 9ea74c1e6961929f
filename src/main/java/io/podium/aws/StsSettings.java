package io.podium.aws;

import io.podium.core.role.RoleArn;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.regions.Region;

/**
 * How {@link StsCredentialIssuer} reaches STS. Nothing here is looked up implicitly: the region is
 * required, and without an endpoint override the SDK's regional endpoint for that region is used
 * ({@code https://sts.<region>.amazonaws.com}, {@code .amazonaws.com.cn} in China; the SDK v2 never
 * falls back to the global {@code sts.amazonaws.com} unless the region is {@code aws-global}).
 *
 * @param region the STS region, e.g. {@code eu-west-1}
 * @param endpointOverride {@code null} for the SDK's regional endpoint; else an http(s) URI such as
 *     a VPC endpoint or, in dev mode and tests, Podium's STS emulator
 * @param intermediateRole {@code null} to assume pod roles with the base credentials; else the role
 *     assumed first (role chaining, kube2iam's {@code --assume-role-arn}) whose session assumes the
 *     pod roles, which STS then caps at one hour
 * @param intermediateExternalId {@code null}, or the external id the intermediate role's trust
 *     policy asks for (only with {@code intermediateRole})
 * @param intermediateSessionName the RoleSessionName of the intermediate session, seen in
 *     CloudTrail
 * @param callTimeout bound on one {@code issue} call, retries and backoff included
 * @param attemptTimeout bound on one HTTP attempt
 * @param maxAttempts attempts per call, the first included (1 disables retries)
 */
public record StsSettings(
    Region region,
    @Nullable URI endpointOverride,
    @Nullable RoleArn intermediateRole,
    @Nullable String intermediateExternalId,
    String intermediateSessionName,
    Duration callTimeout,
    Duration attemptTimeout,
    int maxAttempts) {

  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(3);
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  public static final String DEFAULT_INTERMEDIATE_SESSION_NAME = "podium";
  static final int MAX_ATTEMPTS_LIMIT = 10;

  // STS's own limits, checked here so that a typo fails at start-up rather than on every call.
  private static final Pattern REGION = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");
  private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");

  /**
   * @throws IllegalArgumentException with a message that names the option to fix
   */
  public StsSettings {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(intermediateSessionName, "intermediateSessionName");
    Objects.requireNonNull(callTimeout, "callTimeout");
    Objects.requireNonNull(attemptTimeout, "attemptTimeout");
    if (region.id().length() > 64 || !REGION.matcher(region.id()).matches()) {
      throw new IllegalArgumentException(
          "--region '"
              + abbreviate(region.id())
              + "' is not an AWS region: give one like eu-west-1");
    }
    if (endpointOverride != null) {
      requireValidEndpoint(endpointOverride);
    }
    if (intermediateExternalId != null) {
      if (intermediateRole == null) {
        throw new IllegalArgumentException(
            "--assume-role-external-id needs --assume-role-arn: give the intermediate role too, or"
                + " drop the external id");
      }
      if (!EXTERNAL_ID.matcher(intermediateExternalId).matches()) {
        throw new IllegalArgumentException(
            "--assume-role-external-id must be 2 to 1224 characters of letters, digits and"
                + " +=,.@:/-_");
      }
    }
    if (!SESSION_NAME.matcher(intermediateSessionName).matches()) {
      throw new IllegalArgumentException(
          "intermediate session name '"
              + abbreviate(intermediateSessionName)
              + "' must be 2 to 64 characters of letters, digits and +=,.@-_");
    }
    if (callTimeout.isNegative() || callTimeout.isZero()) {
      throw new IllegalArgumentException("--sts-timeout must be positive, e.g. 10s");
    }
    if (attemptTimeout.isNegative() || attemptTimeout.isZero()) {
      throw new IllegalArgumentException("--sts-attempt-timeout must be positive, e.g. 3s");
    }
    if (attemptTimeout.compareTo(callTimeout) > 0) {
      throw new IllegalArgumentException(
          "--sts-attempt-timeout "
              + attemptTimeout.toMillis()
              + "ms is longer than --sts-timeout "
              + callTimeout.toMillis()
              + "ms, so no retry could ever happen: lower the attempt timeout or raise the call"
              + " timeout");
    }
    if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
      throw new IllegalArgumentException(
          "--sts-max-attempts "
              + maxAttempts
              + " is out of range: give 1 to "
              + MAX_ATTEMPTS_LIMIT);
    }
  }

  /** Settings for the region's regional endpoint, no chaining and the default timeouts. */
  public static StsSettings forRegion(Region region) {
    return new StsSettings(
        region,
        null,
        null,
        null,
        DEFAULT_INTERMEDIATE_SESSION_NAME,
        DEFAULT_CALL_TIMEOUT,
        DEFAULT_ATTEMPT_TIMEOUT,
        DEFAULT_MAX_ATTEMPTS);
  }

  /** A copy that calls STS at {@code endpoint} instead of the regional endpoint. */
  public StsSettings withEndpointOverride(URI endpoint) {
    return new StsSettings(
        region,
        endpoint,
        intermediateRole,
        intermediateExternalId,
        intermediateSessionName,
        callTimeout,
        attemptTimeout,
        maxAttempts);
  }

  /** A copy that assumes pod roles through {@code role}; {@code externalId} may be null. */
  public StsSettings withIntermediateRole(RoleArn role, String externalId) {
    return new StsSettings(
        region,
        endpointOverride,
        Objects.requireNonNull(role, "role"),
        externalId,
        intermediateSessionName,
        callTimeout,
        attemptTimeout,
        maxAttempts);
  }

  /** A copy with other timeouts. */
  public StsSettings withTimeouts(Duration call, Duration attempt) {
    return new StsSettings(
        region,
        endpointOverride,
        intermediateRole,
        intermediateExternalId,
        intermediateSessionName,
        call,
        attempt,
        maxAttempts);
  }

  /** A copy with another number of attempts per call. */
  public StsSettings withMaxAttempts(int attempts) {
    return new StsSettings(
        region,
        endpointOverride,
        intermediateRole,
        intermediateExternalId,
        intermediateSessionName,
        callTimeout,
        attemptTimeout,
        attempts);
  }

  /**
   * Where STS is called: the override, or the region's own endpoint (the SDK's rule for STS: {@code
   * sts.<region>.amazonaws.com}, {@code .amazonaws.com.cn} in China).
   */
  public URI endpoint() {
    if (endpointOverride != null) {
      return endpointOverride;
    }
    String id = region.id();
    return URI.create("https://sts." + id + ".amazonaws.com" + (id.startsWith("cn-") ? ".cn" : ""));
  }

  /** Whether pod roles are assumed through an intermediate role. */
  public boolean chained() {
    return intermediateRole != null;
  }

  private static void requireValidEndpoint(URI endpoint) {
    String scheme = endpoint.getScheme();
    if (!endpoint.isAbsolute()
        || !("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))
        || endpoint.getHost() == null) {
      throw new IllegalArgumentException(
          "--sts-endpoint '"
              + abbreviate(endpoint.toString())
              + "' is not an http(s) URL with a host: give one like"
              + " https://sts.eu-west-1.amazonaws.com");
    }
    if (endpoint.getRawUserInfo() != null
        || endpoint.getRawQuery() != null
        || endpoint.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "--sts-endpoint must not carry user info, a query or a fragment: give scheme, host and"
              + " port only");
    }
  }

  private static String abbreviate(String value) {
    return value.length() <= 128 ? value : value.substring(0, 128) + "…";
  }
}
