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
    StringBuilder clean = new StringBuilder(Math.min(raw.length(), 256));
    raw.codePoints().forEach(c -> clean.append(isAllowed(c) ? Character.toString(c) : "-"));
    String name = clean.toString();
    if (name.length() > MAX_LENGTH) {
      name = name.substring(0, MAX_LENGTH - HASH_LENGTH - 1) + "-" + shortHash(raw);
    }
    while (name.length() < MIN_LENGTH) {
      name = name + "-";
    }
    return name;
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
