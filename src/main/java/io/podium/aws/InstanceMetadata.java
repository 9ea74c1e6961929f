package io.podium.aws;

import io.podium.core.role.MalformedRoleException;
import io.podium.core.role.RoleBaseArn;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What Podium asks the node's own metadata service for itself, once at start: the region ({@code
 * --region auto}) and the account of the node's instance profile ({@code --role-base-arn auto}, as
 * kube2iam's {@code --auto-discover-base-arn} and kiam's {@code --role-base-arn-autodetect} read
 * it). IMDSv2 with a token when the service gives one, IMDSv1 when it refuses tokens.
 */
public final class InstanceMetadata {

  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");
  private static final Pattern INSTANCE_PROFILE =
      Pattern.compile("arn:(aws[a-z-]*):iam::(\\d{12}):instance-profile/.+");
  private static final int MAX_BODY = 64 * 1024;

  private final URI endpoint;
  private final Duration timeout;
  private final HttpClient http;
  private final JsonMapper json = JsonMapper.builder().build();

  /**
   * @param endpoint the node's metadata service ({@code --metadata-upstream}), e.g. {@code
   *     http://169.254.169.254}
   * @param timeout the longest each request may take
   */
  public InstanceMetadata(URI endpoint, Duration timeout) {
    this.endpoint = endpoint;
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .proxy(HttpClient.Builder.NO_PROXY)
            .build();
  }

  /** Where the answers come from, for logs. */
  public URI endpoint() {
    return endpoint;
  }

  /**
   * The node's region, from {@code placement/region}.
   *
   * @throws InstanceMetadataException saying what failed
   */
  public String region() {
    String region = get("/latest/meta-data/placement/region").strip();
    if (!REGION.matcher(region).matches()) {
      throw new InstanceMetadataException(
          "placement/region answered '" + abbreviate(region) + "', which is not a region");
    }
    return region;
  }

  /**
   * {@code arn:<partition>:iam::<account>:role/} of the node's instance profile, from {@code
   * iam/info}: the path of the profile is not the roles' path, so none is kept.
   *
   * @throws InstanceMetadataException saying what failed
   */
  public RoleBaseArn roleBaseArn() {
    String body = get("/latest/meta-data/iam/info");
    String profile;
    try {
      JsonNode info = json.readTree(body);
      profile = info.path("InstanceProfileArn").asString("");
    } catch (JacksonException e) {
      throw new InstanceMetadataException("iam/info is not JSON: " + e.getOriginalMessage());
    }
    var matcher = INSTANCE_PROFILE.matcher(profile);
    if (!matcher.matches()) {
      throw new InstanceMetadataException(
          "iam/info names no instance profile ARN"
              + (profile.isEmpty() ? " (has the node an instance profile?)" : ": " + profile));
    }
    try {
      return new RoleBaseArn(matcher.group(1), matcher.group(2), "/");
    } catch (MalformedRoleException e) {
      throw new InstanceMetadataException("iam/info: " + e.getMessage());
    }
  }

  private String get(String path) {
    Optional<String> token = token();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint.resolve(path)).timeout(timeout).GET();
    token.ifPresent(value -> request.header("X-aws-ec2-metadata-token", value));
    HttpResponse<String> response = send(request.build(), path);
    if (response.statusCode() != 200) {
      throw new InstanceMetadataException(path + " answered HTTP " + response.statusCode());
    }
    return response.body();
  }

  /** An IMDSv2 token, or empty where the service takes IMDSv1 only (403, 404, 405). */
  private Optional<String> token() {
    HttpRequest request =
        HttpRequest.newBuilder(endpoint.resolve("/latest/api/token"))
            .timeout(timeout)
            .header("X-aws-ec2-metadata-token-ttl-seconds", "60")
            .PUT(HttpRequest.BodyPublishers.noBody())
            .build();
    HttpResponse<String> response = send(request, "/latest/api/token");
    return switch (response.statusCode()) {
      case 200 -> Optional.of(response.body().strip());
      case 403, 404, 405 -> Optional.empty();
      default ->
          throw new InstanceMetadataException(
              "the token request answered HTTP " + response.statusCode());
    };
  }

  private HttpResponse<String> send(HttpRequest request, String path) {
    try {
      HttpResponse<String> response =
          http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (response.body().length() > MAX_BODY) {
        throw new InstanceMetadataException(path + " answered more than " + MAX_BODY + " bytes");
      }
      return response;
    } catch (IOException e) {
      throw new InstanceMetadataException(
          path
              + " failed: "
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InstanceMetadataException(path + " was interrupted");
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 64 ? text : text.substring(0, 64) + "…";
  }

  /** The metadata service did not answer what was asked; the message says what happened. */
  public static final class InstanceMetadataException extends RuntimeException {
    InstanceMetadataException(String message) {
      super(message);
    }
  }
}
