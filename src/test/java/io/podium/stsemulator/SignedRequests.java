package io.podium.stsemulator;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * STS requests signed by the AWS SDK's own SigV4 signer, as {@link StsRequest}s the emulator can
 * check: the reference the emulator's verifier must agree with.
 */
final class SignedRequests {

  static final String HOST = "127.0.0.1:4566";

  private final Map<String, String> parameters = new LinkedHashMap<>();
  private String accessKeyId = BootstrapCredentials.DEV_ACCESS_KEY_ID;
  private String secretAccessKey = BootstrapCredentials.DEV_SECRET_ACCESS_KEY;
  private Optional<String> sessionToken = Optional.empty();
  private Instant signedAt = Instant.now();
  private String service = "sts";
  private boolean get;
  private Optional<Duration> presignedFor = Optional.empty();

  private SignedRequests(String action) {
    parameters.put("Action", action);
    parameters.put("Version", "2011-06-15");
  }

  static SignedRequests action(String action) {
    return new SignedRequests(action);
  }

  SignedRequests param(String name, String value) {
    parameters.put(name, value);
    return this;
  }

  SignedRequests signedBy(String accessKeyId, String secretAccessKey) {
    this.accessKeyId = accessKeyId;
    this.secretAccessKey = secretAccessKey;
    return this;
  }

  SignedRequests signedBy(IssuedSession session) {
    signedBy(session.accessKeyId(), session.secretAccessKey());
    return withToken(session.sessionToken());
  }

  SignedRequests withToken(String token) {
    this.sessionToken = Optional.of(token);
    return this;
  }

  SignedRequests at(Instant instant) {
    this.signedAt = instant;
    return this;
  }

  SignedRequests forService(String service) {
    this.service = service;
    return this;
  }

  /** Sends the parameters in the query string of a GET instead of a form POST. */
  SignedRequests asGet() {
    this.get = true;
    return this;
  }

  /** A presigned GET URL valid for {@code validity}. */
  SignedRequests presigned(Duration validity) {
    this.get = true;
    this.presignedFor = Optional.of(validity);
    return this;
  }

  StsRequest build() {
    return build(UnaryOperator.identity());
  }

  /** Builds, then lets the test change the body after signing. */
  StsRequest buildWithBody(String tamperedBody) {
    StsRequest signed = build();
    return StsRequest.parse(
        signed.method(),
        "/",
        Map.copyOf(signed.headers()),
        tamperedBody.getBytes(StandardCharsets.UTF_8));
  }

  StsRequest build(UnaryOperator<Map<String, List<String>>> headerChange) {
    SdkHttpFullRequest.Builder request =
        SdkHttpFullRequest.builder()
            .protocol("http")
            .host("127.0.0.1")
            .port(4566)
            .encodedPath("/")
            .putHeader("Host", HOST);
    byte[] body = new byte[0];
    if (get) {
      request.method(SdkHttpMethod.GET);
      parameters.forEach(request::putRawQueryParameter);
    } else {
      body = formEncode(parameters).getBytes(StandardCharsets.UTF_8);
      request
          .method(SdkHttpMethod.POST)
          .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    }
    AwsCredentialsIdentity identity =
        sessionToken.isPresent()
            ? AwsSessionCredentialsIdentity.create(accessKeyId, secretAccessKey, sessionToken.get())
            : AwsCredentialsIdentity.create(accessKeyId, secretAccessKey);
    byte[] payload = body;
    SignedRequest signed =
        AwsV4HttpSigner.create()
            .sign(
                sign -> {
                  sign.identity(identity)
                      .request(request.build())
                      .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                      .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                      .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt, ZoneOffset.UTC));
                  if (payload.length > 0) {
                    sign.payload(ContentStreamProvider.fromByteArray(payload));
                  }
                  presignedFor.ifPresent(
                      validity ->
                          sign.putProperty(
                                  AwsV4HttpSigner.AUTH_LOCATION,
                                  AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                              .putProperty(AwsV4HttpSigner.EXPIRATION_DURATION, validity));
                });
    SdkHttpRequest signedRequest = signed.request();
    String query = signedRequest.getUri().getRawQuery();
    String uri = query == null ? "/" : "/?" + query;
    return StsRequest.parse(
        signedRequest.method().name(),
        uri,
        headerChange.apply(new LinkedHashMap<>(signedRequest.headers())),
        body);
  }

  static String formEncode(Map<String, String> parameters) {
    return parameters.entrySet().stream()
        .map(
            e ->
                URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }
}
