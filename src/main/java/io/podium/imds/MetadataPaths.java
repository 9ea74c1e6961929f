package io.podium.imds;

/**
 * Reduces a request target to the one path form the router and the allow-list judge. Anything that
 * a server behind us might read differently — percent-escapes, dot segments, empty segments,
 * backslashes, absolute URIs, path parameters ({@code ;}) — is refused rather than normalised, so
 * that no spelling of a denied path can slip past the checks.
 */
final class MetadataPaths {

  static final int MAX_PATH_LENGTH = 1024;

  private MetadataPaths() {}

  /**
   * The request target's path without query or fragment, or {@code null} when it is not a plain
   * absolute path of unreserved characters.
   */
  static String canonical(String requestTarget) {
    if (requestTarget == null || requestTarget.isEmpty() || requestTarget.charAt(0) != '/') {
      return null;
    }
    int end = requestTarget.length();
    int query = requestTarget.indexOf('?');
    if (query >= 0) {
      end = query;
    }
    int fragment = requestTarget.indexOf('#');
    if (fragment >= 0 && fragment < end) {
      end = fragment;
    }
    if (end > MAX_PATH_LENGTH) {
      return null;
    }
    String path = requestTarget.substring(0, end);
    int segmentStart = 1;
    for (int i = 1; i <= path.length(); i++) {
      if (i == path.length() || path.charAt(i) == '/') {
        String segment = path.substring(segmentStart, i);
        boolean last = i == path.length();
        if ((segment.isEmpty() && !last) || segment.equals(".") || segment.equals("..")) {
          return null;
        }
        segmentStart = i + 1;
      } else if (!allowed(path.charAt(i))) {
        return null;
      }
    }
    return path;
  }

  /** Printable, bounded form of untrusted input for a log line. */
  static String forLog(String value) {
    if (value == null) {
      return "";
    }
    int length = Math.min(value.length(), 160);
    StringBuilder out = new StringBuilder(length + 1);
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    if (value.length() > length) {
      out.append('…');
    }
    return out.toString();
  }

  private static boolean allowed(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        // No ';': servlet containers and proxies cut path parameters off a segment, so
        // "user-data;x" would be read there as "user-data". No EC2 metadata path has one.
        || "-._~:@!$&'()*+,=".indexOf(c) >= 0;
  }
}
