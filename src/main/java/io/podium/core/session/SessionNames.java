package io.podium.core.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Makes strings acceptable to STS as a RoleSessionName or SourceIdentity: characters outside {@code
 * [\w+=,.@-]} become {@code -}, and names longer than 64 keep their head and end in a short hash of
 * the whole, so that two long names that share a prefix stay distinct.
 */
public final class SessionNames {

  public static final int MAX_LENGTH = 64;
  static final int MIN_LENGTH = 2;
  private static final int HASH_LENGTH = 8;

  private SessionNames() {}

  public static String sanitize(String raw) {
    String name = clean(raw);
    if (name.length() > MAX_LENGTH) {
      name = name.substring(0, MAX_LENGTH - HASH_LENGTH - 1) + "-" + shortHash(raw);
    }
    return padded(name);
  }

  /**
   * {@code prefix} (already acceptable to STS, at most {@link #MAX_LENGTH} characters) followed by
   * {@code rest} sanitised; when too long, the prefix is kept whole and the rest is cut and ends in
   * a hash of the whole, so that the name never leaves the prefix.
   */
  static String withPrefix(String prefix, String rest) {
    if (prefix.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("a session name prefix longer than " + MAX_LENGTH);
    }
    String tail = clean(rest);
    if (prefix.length() + tail.length() <= MAX_LENGTH) {
      return padded(prefix + tail);
    }
    int room = MAX_LENGTH - prefix.length();
    String hash = shortHash(prefix + rest);
    tail =
        room > HASH_LENGTH + 1
            ? tail.substring(0, room - HASH_LENGTH - 1) + "-" + hash
            : hash.substring(0, room);
    return prefix + tail;
  }

  /** {@code raw} with every character STS refuses replaced by {@code -}. */
  static String clean(String raw) {
    StringBuilder clean = new StringBuilder(Math.min(raw.length(), 256));
    raw.codePoints().forEach(c -> clean.append(isAllowed(c) ? Character.toString(c) : "-"));
    return clean.toString();
  }

  private static String padded(String name) {
    String padded = name;
    while (padded.length() < MIN_LENGTH) {
      padded = padded + "-";
    }
    return padded;
  }

  private static boolean isAllowed(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "_+=,.@-".indexOf(c) >= 0;
  }

  private static String shortHash(String raw) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(raw.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, HASH_LENGTH);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
