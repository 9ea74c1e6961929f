package io.podium.stsemulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * Makes the identifiers and secrets STS hands out, shaped like AWS's: {@code ASIA…} access key ids,
 * 40-character secrets, opaque session tokens, request ids, and stable {@code AROA…}/{@code AIDA…}
 * ids derived from an ARN.
 */
final class StsIds {

  private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
  private static final int SESSION_TOKEN_BYTES = 120;

  private final RandomGenerator random;

  /** {@code random} must be cryptographically strong (a {@link java.security.SecureRandom}). */
  StsIds(RandomGenerator random) {
    this.random = random;
  }

  /** {@code ASIA} and 16 upper-case letters and digits: 20 characters, like a real session key. */
  String sessionAccessKeyId() {
    StringBuilder id = new StringBuilder("ASIA");
    for (int i = 0; i < 16; i++) {
      id.append(BASE32[random.nextInt(BASE32.length)]);
    }
    return id.toString();
  }

  /** 40 base64 characters (30 random bytes), the length of an AWS secret access key. */
  String secretAccessKey() {
    return Base64.getEncoder().encodeToString(randomBytes(30));
  }

  /** An opaque token; only the emulator can tell which session it belongs to. */
  String sessionToken() {
    return Base64.getEncoder().encodeToString(randomBytes(SESSION_TOKEN_BYTES));
  }

  /** A request id in UUID form, as STS returns in {@code RequestId}. */
  String requestId() {
    String hex = HexFormat.of().formatHex(randomBytes(16));
    return String.join(
        "-",
        hex.substring(0, 8),
        hex.substring(8, 12),
        hex.substring(12, 16),
        hex.substring(16, 20),
        hex.substring(20));
  }

  /** {@code AROA} and 17 characters derived from the role ARN: the same role, the same id. */
  static String roleId(String roleArn) {
    return "AROA" + stableSuffix(roleArn);
  }

  /** {@code AIDA} and 17 characters derived from the user ARN. */
  static String userId(String userArn) {
    return "AIDA" + stableSuffix(userArn);
  }

  private static String stableSuffix(String arn) {
    byte[] digest;
    try {
      digest = MessageDigest.getInstance("SHA-256").digest(arn.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    StringBuilder suffix = new StringBuilder();
    for (int i = 0; i < 17; i++) {
      suffix.append(BASE32[(digest[i] & 0xff) % BASE32.length]);
    }
    return suffix.toString();
  }

  private byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    random.nextBytes(bytes);
    return bytes;
  }
}
