package io.podium.imds;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the metadata API server is configured with, validated once at start-up. Messages name
 * the command-line option to fix.
 *
 * @param listen where the server listens ({@code --imds-listen})
 * @param region answered at {@code placement/region}; {@code null} passes it through (or 404)
 * @param availabilityZone answered at {@code placement/availability-zone}; {@code null} likewise
 * @param requireImdsv2 refuse requests without a token (401), as an IMDSv2-only instance does
 * @param tokensDisabled answer token requests with 403 so that SDKs fall back to IMDSv1; for
 *     diagnostics and tests of that fallback, never together with {@code requireImdsv2}
 * @param upstream the real metadata service for allow-listed paths; {@code null} turns passthrough
 *     off
 * @param allowRouteRegexp which paths pass through, matched against the whole path; {@code null}
 *     means {@link PassthroughPolicy#DEFAULT_ALLOWED_ROUTES}
 * @param maxRequestsPerSecond per source address; 0 turns the rate limit off
 * @param rateLimitBurst requests a source may send at once before the rate applies
 * @param maxTrackedSources how many source addresses the rate limit remembers (least recently seen
 *     are forgotten first)
 * @param requestTimeout from a request's first byte to its response, else the connection is closed
 * @param responseTimeout the longest a request waits for the credential service (then 503)
 * @param idleTimeout how long an idle keep-alive connection stays open
 * @param upstreamTimeout the longest one call to the upstream metadata service may take
 * @param maxInitialLineLength request line limit (longer: 414 and close)
 * @param maxHeaderSize header block limit (larger: 431 and close)
 * @param maxBodyBytes request body limit (larger: 413 and close)
 * @param maxUpstreamBodyBytes upstream response limit (larger: 502)
 * @param workerThreads event loop threads; 0 means one per available processor
 * @param maxConnections open connections on the port, all sources together (more are closed as they
 *     open)
 * @param maxConnectionsPerSource open connections one source address may hold (more are closed as
 *     they open)
 */
public record MetadataSettings(
    InetSocketAddress listen,
    String region,
    String availabilityZone,
    boolean requireImdsv2,
    boolean tokensDisabled,
    URI upstream,
    String allowRouteRegexp,
    int maxRequestsPerSecond,
    int rateLimitBurst,
    int maxTrackedSources,
    Duration requestTimeout,
    Duration responseTimeout,
    Duration idleTimeout,
    Duration upstreamTimeout,
    int maxInitialLineLength,
    int maxHeaderSize,
    int maxBodyBytes,
    int maxUpstreamBodyBytes,
    int workerThreads,
    int maxConnections,
    int maxConnectionsPerSource) {

  /** The production upstream, the EC2 instance metadata service's link-local address. */
  public static final URI EC2_METADATA_SERVICE = URI.create("http://169.254.169.254");

  public static final int DEFAULT_MAX_REQUESTS_PER_SECOND = 100;

  // Trusted patterns of our own, so java.util.regex would do; RE2/J keeps one engine in the class.
  private static final Pattern REGION = Pattern.compile("[a-z]{2,8}(-[a-z]+)+-\\d{1,2}");
  private static final Pattern ZONE = Pattern.compile("[a-z0-9-]{3,48}[a-z]");
  private static final int MAX_SIZE_LIMIT = 1 << 20;

  public MetadataSettings {
    if (listen == null) {
      throw new IllegalArgumentException(
          "--imds-listen is required: give HOST:PORT, e.g. 0.0.0.0:8181");
    }
    if (listen.isUnresolved()) {
      throw new IllegalArgumentException(
          "--imds-listen host '" + listen.getHostString() + "' does not resolve to an address");
    }
    region = blankToNull(region);
    availabilityZone = blankToNull(availabilityZone);
    if (region != null && !REGION.matches(region)) {
      throw new IllegalArgumentException(
          "--region '" + abbreviate(region) + "' is not an AWS region name such as us-east-1");
    }
    if (availabilityZone != null && !ZONE.matches(availabilityZone)) {
      throw new IllegalArgumentException(
          "--availability-zone '"
              + abbreviate(availabilityZone)
              + "' is not an availability zone name such as us-east-1a");
    }
    if (region != null && availabilityZone != null && !inRegion(availabilityZone, region)) {
      throw new IllegalArgumentException(
          "--availability-zone " + availabilityZone + " is not in --region " + region);
    }
    if (requireImdsv2 && tokensDisabled) {
      throw new IllegalArgumentException(
          "IMDSv2 tokens cannot be both required (--require-imdsv2) and disabled");
    }
    if (upstream != null) {
      requireValidUpstream(upstream);
    }
    if (allowRouteRegexp != null) {
      requireValidRegexp(allowRouteRegexp);
    }
    if (maxRequestsPerSecond < 0) {
      throw new IllegalArgumentException(
          "--max-requests-per-second must be 0 (no limit) or more, not " + maxRequestsPerSecond);
    }
    if (maxRequestsPerSecond > 0 && rateLimitBurst < 1) {
      throw new IllegalArgumentException("the rate-limit burst must be at least 1");
    }
    requireRange("the number of tracked sources", maxTrackedSources, 16, 10_000_000);
    requirePositive("--imds-request-timeout", requestTimeout);
    requirePositive("the response timeout", responseTimeout);
    requirePositive("the idle timeout", idleTimeout);
    requirePositive("--metadata-upstream-timeout", upstreamTimeout);
    if (responseTimeout.compareTo(requestTimeout) >= 0) {
      throw new IllegalArgumentException(
          "the response timeout ("
              + responseTimeout
              + ") must be shorter than the request timeout ("
              + requestTimeout
              + ")");
    }
    requireRange("the request line limit", maxInitialLineLength, 256, MAX_SIZE_LIMIT);
    requireRange("the header size limit", maxHeaderSize, 1024, MAX_SIZE_LIMIT);
    requireRange("the request body limit", maxBodyBytes, 0, MAX_SIZE_LIMIT);
    requireRange("the upstream body limit", maxUpstreamBodyBytes, 1024, 16 * MAX_SIZE_LIMIT);
    requireRange("the worker thread count", workerThreads, 0, 256);
    requireRange("the connection cap", maxConnections, 1, 1_000_000);
    requireRange("the connection cap per source", maxConnectionsPerSource, 1, maxConnections);
  }

  /** Defaults for tests and embedding: loopback on an ephemeral port, no passthrough. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings, to change a few. */
  public Builder toBuilder() {
    return new Builder()
        .listen(listen)
        .region(region)
        .availabilityZone(availabilityZone)
        .requireImdsv2(requireImdsv2)
        .tokensDisabled(tokensDisabled)
        .upstream(upstream)
        .allowRouteRegexp(allowRouteRegexp)
        .maxRequestsPerSecond(maxRequestsPerSecond)
        .rateLimitBurst(rateLimitBurst)
        .maxTrackedSources(maxTrackedSources)
        .requestTimeout(requestTimeout)
        .responseTimeout(responseTimeout)
        .idleTimeout(idleTimeout)
        .upstreamTimeout(upstreamTimeout)
        .maxInitialLineLength(maxInitialLineLength)
        .maxHeaderSize(maxHeaderSize)
        .maxBodyBytes(maxBodyBytes)
        .maxUpstreamBodyBytes(maxUpstreamBodyBytes)
        .workerThreads(workerThreads)
        .maxConnections(maxConnections)
        .maxConnectionsPerSource(maxConnectionsPerSource);
  }

  /**
   * Parses {@code --metadata-upstream}: {@code none} (or empty) turns passthrough off.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static URI parseUpstream(String value) {
    String text = value == null ? "" : value.strip();
    if (text.isEmpty() || text.equalsIgnoreCase("none")) {
      return null;
    }
    try {
      URI uri = new URI(text);
      requireValidUpstream(uri);
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(upstreamMessage(text), e);
    }
  }

  private static void requireValidUpstream(URI uri) {
    String path = uri.getRawPath();
    if (!"http".equalsIgnoreCase(uri.getScheme())
        || uri.getHost() == null
        || uri.getRawUserInfo() != null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null
        || (path != null && !path.isEmpty() && !path.equals("/"))) {
      throw new IllegalArgumentException(upstreamMessage(uri.toString()));
    }
  }

  private static String upstreamMessage(String value) {
    return "--metadata-upstream '"
        + abbreviate(value)
        + "' must be http://HOST[:PORT] without a path (e.g. http://169.254.169.254), or none";
  }

  private static void requireValidRegexp(String regexp) {
    if (regexp.isBlank()) {
      throw new IllegalArgumentException(
          "--allow-route-regexp is empty: omit it to keep the default allow-list");
    }
    try {
      // Alone first: a fragment such as "a)|(b" compiles only once wrapped, and would then
      // escape the anchors.
      Pattern.compile(regexp);
      Pattern.compile("^(?:" + regexp + ")$");
    } catch (PatternSyntaxException e) {
      // RE2/J reports an unmatched ')' as an internal "stack underflow".
      String why =
          e.getDescription().contains("internal error") ? "unmatched ')'" : e.getDescription();
      throw new IllegalArgumentException(
          "--allow-route-regexp '"
              + abbreviate(regexp)
              + "' is not a valid RE2 regular expression: "
              + why,
          e);
    }
  }

  private static void requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, not " + value);
    }
  }

  private static void requireRange(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be in " + min + ".." + max + ", not " + value);
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  /** us-east-1a and the local zone us-east-1-bos-1a are in us-east-1; us-east-10a is not. */
  private static boolean inRegion(String zone, String region) {
    if (!zone.startsWith(region) || zone.length() == region.length()) {
      return false;
    }
    char next = zone.charAt(region.length());
    return Character.isLetter(next) || next == '-';
  }

  static String abbreviate(String value) {
    if (value == null) {
      return "";
    }
    return value.length() <= 128 ? value : value.substring(0, 128) + "…";
  }

  /** Builds {@link MetadataSettings}; every value starts at a safe default. */
  public static final class Builder {
    private InetSocketAddress listen = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private String region;
    private String availabilityZone;
    private boolean requireImdsv2;
    private boolean tokensDisabled;
    private URI upstream;
    private String allowRouteRegexp;
    private int maxRequestsPerSecond = DEFAULT_MAX_REQUESTS_PER_SECOND;
    private int rateLimitBurst = 2 * DEFAULT_MAX_REQUESTS_PER_SECOND;
    private boolean burstSet;
    private int maxTrackedSources = 65_536;
    private Duration requestTimeout = Duration.ofSeconds(10);
    private Duration responseTimeout = Duration.ofSeconds(5);
    private Duration idleTimeout = Duration.ofSeconds(60);
    private Duration upstreamTimeout = Duration.ofSeconds(1);
    private int maxInitialLineLength = 4096;
    private int maxHeaderSize = 8192;
    private int maxBodyBytes = 1024;
    private int maxUpstreamBodyBytes = 64 * 1024;
    private int workerThreads;
    // A pod's SDKs hold a connection or two; a pod of many processes, a few dozen.
    private int maxConnections = 4096;
    private int maxConnectionsPerSource = 64;

    private Builder() {}

    public Builder listen(InetSocketAddress value) {
      listen = value;
      return this;
    }

    public Builder region(String value) {
      region = value;
      return this;
    }

    public Builder availabilityZone(String value) {
      availabilityZone = value;
      return this;
    }

    public Builder requireImdsv2(boolean value) {
      requireImdsv2 = value;
      return this;
    }

    public Builder tokensDisabled(boolean value) {
      tokensDisabled = value;
      return this;
    }

    public Builder upstream(URI value) {
      upstream = value;
      return this;
    }

    public Builder allowRouteRegexp(String value) {
      allowRouteRegexp = value;
      return this;
    }

    /** Also sets the burst to twice the rate, unless a burst was set explicitly. */
    public Builder maxRequestsPerSecond(int value) {
      maxRequestsPerSecond = value;
      if (!burstSet) {
        rateLimitBurst = (int) Math.min(Integer.MAX_VALUE, 2L * value);
      }
      return this;
    }

    public Builder rateLimitBurst(int value) {
      rateLimitBurst = value;
      burstSet = true;
      return this;
    }

    public Builder maxTrackedSources(int value) {
      maxTrackedSources = value;
      return this;
    }

    public Builder requestTimeout(Duration value) {
      requestTimeout = value;
      return this;
    }

    public Builder responseTimeout(Duration value) {
      responseTimeout = value;
      return this;
    }

    public Builder idleTimeout(Duration value) {
      idleTimeout = value;
      return this;
    }

    public Builder upstreamTimeout(Duration value) {
      upstreamTimeout = value;
      return this;
    }

    public Builder maxInitialLineLength(int value) {
      maxInitialLineLength = value;
      return this;
    }

    public Builder maxHeaderSize(int value) {
      maxHeaderSize = value;
      return this;
    }

    public Builder maxBodyBytes(int value) {
      maxBodyBytes = value;
      return this;
    }

    public Builder maxUpstreamBodyBytes(int value) {
      maxUpstreamBodyBytes = value;
      return this;
    }

    public Builder workerThreads(int value) {
      workerThreads = value;
      return this;
    }

    public Builder maxConnections(int value) {
      maxConnections = value;
      return this;
    }

    public Builder maxConnectionsPerSource(int value) {
      maxConnectionsPerSource = value;
      return this;
    }

    /**
     * @throws IllegalArgumentException saying which option to fix
     */
    public MetadataSettings build() {
      return new MetadataSettings(
          listen,
          region,
          availabilityZone,
          requireImdsv2,
          tokensDisabled,
          upstream,
          allowRouteRegexp,
          maxRequestsPerSecond,
          rateLimitBurst,
          maxTrackedSources,
          requestTimeout,
          responseTimeout,
          idleTimeout,
          upstreamTimeout,
          maxInitialLineLength,
          maxHeaderSize,
          maxBodyBytes,
          maxUpstreamBodyBytes,
          workerThreads,
          maxConnections,
          maxConnectionsPerSource);
    }
  }
}
