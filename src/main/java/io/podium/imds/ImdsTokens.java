package io.podium.imds;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * IMDSv2 session tokens, issued and checked without any stored state: a token carries its expiry
 * and a random nonce, and an HMAC-SHA256 under a key drawn at start-up binds both to the caller's
 * address. A token therefore works only from the address it was issued to, only until it expires,
 * and only in this process: a restart draws a new key and invalidates every token, which SDKs
 * answer by asking for a new one.
 *
 * <p>Wire form: base64url of {@code version(1) | expiry epoch seconds(8) | nonce(16) | mac(32)}.
 */
final class ImdsTokens {

  /** The longest TTL EC2 grants, six hours. */
  static final int MAX_TTL_SECONDS = 21_600;

  private static final byte VERSION = 1;
  private static final int NONCE_BYTES = 16;
  private static final int MAC_BYTES = 32;
  private static final int PAYLOAD_BYTES = 1 + Long.BYTES + NONCE_BYTES;
  private static final int TOKEN_BYTES = PAYLOAD_BYTES + MAC_BYTES;
  private static final int ENCODED_LENGTH = (TOKEN_BYTES * 4 + 2) / 3;
  private static final byte[] DOMAIN = "podium imds token".getBytes(StandardCharsets.US_ASCII);

  /** The outcome of checking a presented token. */
  enum Verdict {
    VALID,
    /** Not a token of ours at all: wrong length, encoding or version. */
    MALFORMED,
    /** Well formed, but its MAC does not match: tampered, from another address or process. */
    NOT_ISSUED_TO_CALLER,
    EXPIRED
  }

  private final Clock clock;
  private final SecureRandom random;
  private final ThreadLocal<Mac> macs;

  ImdsTokens(Clock clock, SecureRandom random) {
    this.clock = clock;
    this.random = random;
    byte[] keyBytes = new byte[32];
    random.nextBytes(keyBytes);
    SecretKeySpec key = new SecretKeySpec(keyBytes, "HmacSHA256");
    this.macs = ThreadLocal.withInitial(() -> newMac(key));
  }

  /** A token for {@code caller}, valid for {@code ttlSeconds} (1 to {@link #MAX_TTL_SECONDS}). */
  String issue(InetAddress caller, int ttlSeconds) {
    if (ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
      throw new IllegalArgumentException("ttlSeconds out of range: " + ttlSeconds);
    }
    ByteBuffer token = ByteBuffer.allocate(TOKEN_BYTES);
    token.put(VERSION);
    token.putLong(clock.instant().getEpochSecond() + ttlSeconds);
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    token.put(nonce);
    token.put(mac(token.array(), caller));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(token.array());
  }

  /** Whether {@code token} was issued by this process to {@code caller} and is still valid. */
  Verdict verify(String token, InetAddress caller) {
    if (token == null || token.length() != ENCODED_LENGTH) {
      return Verdict.MALFORMED;
    }
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      return Verdict.MALFORMED;
    }
    if (bytes.length != TOKEN_BYTES || bytes[0] != VERSION) {
      return Verdict.MALFORMED;
    }
    byte[] presented = new byte[MAC_BYTES];
    System.arraycopy(bytes, PAYLOAD_BYTES, presented, 0, MAC_BYTES);
    if (!MessageDigest.isEqual(presented, mac(bytes, caller))) {
      return Verdict.NOT_ISSUED_TO_CALLER;
    }
    long expiry = ByteBuffer.wrap(bytes, 1, Long.BYTES).getLong();
    return clock.instant().getEpochSecond() < expiry ? Verdict.VALID : Verdict.EXPIRED;
  }

  /** The MAC over the token's payload (its first bytes) and the caller's address. */
  private byte[] mac(byte[] token, InetAddress caller) {
    Mac mac = macs.get();
    mac.update(DOMAIN);
    mac.update(token, 0, PAYLOAD_BYTES);
    mac.update(caller.getAddress());
    return mac.doFinal();
  }

  private static Mac newMac(SecretKeySpec key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }
}
