package io.podium.stsemulator;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a SigV4-signed request claims: who signed it, for which scope and time, over which headers,
 * with which signature. Read from the {@code Authorization} header, or from the {@code X-Amz-*}
 * query parameters of a presigned URL.
 *
 * @param accessKeyId the signer's access key id
 * @param date the scope's date, {@code yyyyMMdd}
 * @param region the scope's region
 * @param service the scope's service, {@code sts} when meant for STS
 * @param terminator the scope's terminator, {@code aws4_request}
 * @param signedHeaders lower-case header names, in the order signed
 * @param signature the hex signature
 * @param amzDate the signing time, {@code yyyyMMdd'T'HHmmss'Z'}, or empty if the request has none
 * @param securityToken the session token sent with it, if any
 * @param expiresSeconds for a presigned URL, how long it is valid; empty for header signing
 */
record SigV4Authorization(
    String accessKeyId,
    String date,
    String region,
    String service,
    String terminator,
    List<String> signedHeaders,
    String signature,
    Optional<String> amzDate,
    Optional<String> securityToken,
    OptionalLong expiresSeconds) {

  private static final long MAX_PRESIGNED_SECONDS = 7 * 24 * 3600;

  boolean presigned() {
    return expiresSeconds.isPresent();
  }

  String scope() {
    return date + "/" + region + "/" + service + "/" + terminator;
  }

  /**
   * The request's SigV4 claims, or empty when it carries neither an {@code Authorization} header
   * nor a presigned {@code X-Amz-Signature}.
   *
   * @throws StsException IncompleteSignature when the claims are malformed
   */
  static Optional<SigV4Authorization> of(StsRequest request) {
    Optional<String> header = request.header("authorization");
    if (header.isPresent()) {
      return Optional.of(fromHeader(request, header.get()));
    }
    if (request.query().containsKey("X-Amz-Signature")) {
      return Optional.of(fromQuery(request.query()));
    }
    return Optional.empty();
  }

  private static SigV4Authorization fromHeader(StsRequest request, String header) {
    int space = header.indexOf(' ');
    String algorithm = space < 0 ? header : header.substring(0, space);
    if (!algorithm.equals(SigV4.ALGORITHM)) {
      throw incomplete(
          "Unsupported AWS 'algorithm': '" + abbreviate(algorithm) + "'; use " + SigV4.ALGORITHM);
    }
    Map<String, String> parts = new HashMap<>();
    for (String part : header.substring(space + 1).split(",")) {
      int equals = part.indexOf('=');
      if (equals > 0) {
        parts.put(part.substring(0, equals).strip(), part.substring(equals + 1).strip());
      }
    }
    for (String required : List.of("Credential", "SignedHeaders", "Signature")) {
      if (!parts.containsKey(required)) {
        throw incomplete("Authorization header requires '" + required + "' parameter.");
      }
    }
    // Present: checked above.
    return build(
        parts.getOrDefault("Credential", ""),
        parts.getOrDefault("SignedHeaders", ""),
        parts.getOrDefault("Signature", ""),
        request.header("x-amz-date"),
        request.header("x-amz-security-token"),
        OptionalLong.empty());
  }

  private static SigV4Authorization fromQuery(Map<String, String> query) {
    String algorithm = query.getOrDefault("X-Amz-Algorithm", "");
    if (!algorithm.equals(SigV4.ALGORITHM)) {
      throw incomplete(
          "Unsupported AWS 'algorithm': '" + abbreviate(algorithm) + "'; use " + SigV4.ALGORITHM);
    }
    for (String required :
        List.of("X-Amz-Credential", "X-Amz-SignedHeaders", "X-Amz-Date", "X-Amz-Expires")) {
      if (!query.containsKey(required)) {
        throw incomplete("AWS query-string parameters must include '" + required + "'.");
      }
    }
    long expires;
    try {
      expires = Long.parseLong(query.get("X-Amz-Expires"));
    } catch (NumberFormatException e) {
      throw incomplete("X-Amz-Expires must be a whole number of seconds.");
    }
    if (expires < 1 || expires > MAX_PRESIGNED_SECONDS) {
      throw incomplete("X-Amz-Expires must be from 1 to " + MAX_PRESIGNED_SECONDS + " seconds.");
    }
    // Present but for the signature, checked above; an absent signature matches no request.
    return build(
        query.getOrDefault("X-Amz-Credential", ""),
        query.getOrDefault("X-Amz-SignedHeaders", ""),
        query.getOrDefault("X-Amz-Signature", ""),
        Optional.of(query.getOrDefault("X-Amz-Date", "")),
        Optional.ofNullable(query.get("X-Amz-Security-Token")),
        OptionalLong.of(expires));
  }

  private static SigV4Authorization build(
      String credential,
      String signedHeaders,
      String signature,
      Optional<String> amzDate,
      Optional<String> securityToken,
      OptionalLong expires) {
    String[] scope = credential.split("/", -1);
    if (scope.length != 5 || Arrays.stream(scope).anyMatch(String::isEmpty)) {
      throw incomplete(
          "Credential should have exactly 5 slash-delimited elements, e.g."
              + " keyid/date/region/service/term, got '"
              + abbreviate(credential)
              + "'");
    }
    List<String> headers = List.of(signedHeaders.split(";"));
    if (!headers.contains("host")) {
      throw incomplete("'Host' must be a 'SignedHeader' in the AWS Authorization.");
    }
    return new SigV4Authorization(
        scope[0],
        scope[1],
        scope[2],
        scope[3],
        scope[4],
        headers,
        signature,
        amzDate,
        securityToken,
        expires);
  }

  private static StsException incomplete(String message) {
    return new StsException(StsErrors.incompleteSignature(message));
  }

  private static String abbreviate(String value) {
    return value.length() <= 64 ? value : value.substring(0, 64) + "…";
  }

  @Override
  public String toString() {
    return "SigV4Authorization[accessKeyId=" + accessKeyId + ", scope=" + scope() + "]";
  }
}
