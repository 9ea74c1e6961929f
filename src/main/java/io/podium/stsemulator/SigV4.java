package io.podium.stsemulator;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signature Version 4 computed per the specification with the JDK's SHA-256 and HMAC-SHA256.
 *
 * <p>Why not the SDK's own {@code AwsV4HttpSigner}: it always adds an {@code x-amz-content-sha256}
 * header and signs it, while botocore and the AWS CLI do not send that header to STS (they sign
 * {@code content-type;host;x-amz-date}), so the SDK signer cannot recompute their signatures. The
 * SDK's older {@code Aws4Signer} could, but it is deprecated. Tests check this class against
 * requests signed by the SDK signer, AWS's published example, botocore and the AWS CLI.
 */
final class SigV4 {

  static final String ALGORITHM = "AWS4-HMAC-SHA256";
  static final String TERMINATOR = "aws4_request";
  static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

  private static final HexFormat HEX = HexFormat.of();
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private SigV4() {}

  /**
   * The canonical request: method, canonical URI (normalized, then encoded again, as for every
   * service but S3), canonical query string, the signed headers' trimmed values, the signed header
   * list and the payload hash.
   */
  static String canonicalRequest(
      StsRequest request,
      List<String> signedHeaders,
      String payloadHash,
      boolean withoutSignatureParameter) {
    StringBuilder canonical = new StringBuilder();
    canonical.append(request.method()).append('\n');
    canonical.append(canonicalUri(request.rawPath())).append('\n');
    canonical.append(canonicalQuery(request.rawQuery(), withoutSignatureParameter)).append('\n');
    for (String name : signedHeaders) {
      canonical.append(name).append(':');
      canonical.append(
          request.headerValues(name).stream().map(SigV4::trimAll).collect(Collectors.joining(",")));
      canonical.append('\n');
    }
    canonical.append('\n');
    canonical.append(String.join(";", signedHeaders)).append('\n');
    canonical.append(payloadHash);
    return canonical.toString();
  }

  static String stringToSign(String amzDate, String scope, String canonicalRequest) {
    return ALGORITHM + "\n" + amzDate + "\n" + scope + "\n" + sha256Hex(canonicalRequest);
  }

  /** The hex signature of {@code stringToSign} with the key derived from the secret and scope. */
  static String signature(
      String secretAccessKey, String date, String region, String service, String stringToSign) {
    byte[] key = hmac(("AWS4" + secretAccessKey).getBytes(StandardCharsets.UTF_8), date);
    key = hmac(key, region);
    key = hmac(key, service);
    key = hmac(key, TERMINATOR);
    return HEX.formatHex(hmac(key, stringToSign));
  }

  static String sha256Hex(byte[] data) {
    try {
      return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  static String sha256Hex(String text) {
    return sha256Hex(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Compares two signatures in time independent of where they differ. */
  static boolean sameSignature(String expected, String provided) {
    return MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII), provided.getBytes(StandardCharsets.US_ASCII));
  }

  static String canonicalUri(String rawPath) {
    if (rawPath == null || rawPath.isEmpty()) {
      return "/";
    }
    String normalized = removeDotSegments(rawPath);
    if (rawPath.endsWith("/") && !normalized.endsWith("/")) {
      normalized = normalized + "/";
    }
    return encode(normalized, true);
  }

  static String canonicalQuery(String rawQuery, boolean withoutSignatureParameter) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return "";
    }
    List<Map.Entry<String, String>> pairs = new ArrayList<>();
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name = percentDecode(equals < 0 ? pair : pair.substring(0, equals));
      String value = equals < 0 ? "" : percentDecode(pair.substring(equals + 1));
      if (withoutSignatureParameter && name.equals("X-Amz-Signature")) {
        continue;
      }
      pairs.add(Map.entry(encode(name, false), encode(value, false)));
    }
    return pairs.stream()
        .sorted(
            Map.Entry.<String, String>comparingByKey().thenComparing(Map.Entry.comparingByValue()))
        .map(pair -> pair.getKey() + "=" + pair.getValue())
        .collect(Collectors.joining("&"));
  }

  /** RFC 3986 percent-encoding of everything but unreserved characters (and '/' if asked). */
  static String encode(String text, boolean keepSlash) {
    StringBuilder encoded = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~'
          || (keepSlash && c == '/')) {
        encoded.append(c);
      } else {
        encoded.append('%').append(HEX.withUpperCase().toHexDigits(b));
      }
    }
    return encoded.toString();
  }

  /**
   * Decodes %XX escapes (leaving '+' alone, unlike form decoding); bad escapes stay as they are.
   */
  static String percentDecode(String text) {
    if (text.indexOf('%') < 0) {
      return text;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
    int i = 0;
    while (i < text.length()) {
      if (text.charAt(i) == '%'
          && i + 2 < text.length()
          && isHex(text.charAt(i + 1))
          && isHex(text.charAt(i + 2))) {
        bytes.write(HexFormat.fromHexDigits(text, i + 1, i + 3));
        i += 3;
      } else {
        int codePoint = text.codePointAt(i);
        byte[] encoded = Character.toString(codePoint).getBytes(StandardCharsets.UTF_8);
        bytes.write(encoded, 0, encoded.length);
        i += Character.charCount(codePoint);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** Trims and collapses runs of white space to one space, as canonical header values need. */
  static String trimAll(String value) {
    return WHITESPACE.matcher(value.strip()).replaceAll(" ");
  }

  private static String removeDotSegments(String path) {
    Deque<String> segments = new ArrayDeque<>();
    for (String segment : path.split("/", -1)) {
      if (segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        if (segments.size() > 1) {
          segments.removeLast();
        }
        continue;
      }
      segments.addLast(segment);
    }
    String joined = String.join("/", segments);
    return joined.startsWith("/") ? joined : "/" + joined;
  }

  private static boolean isHex(char c) {
    return Character.digit(c, 16) >= 0;
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }
}
