package io.podium.stsemulator;

import com.nimbusds.jose.jwk.JWKSet;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the emulator finds an OIDC provider's keys: a JWKS file (re-read when it changes, e.g. when
 * {@code podium oidc documents} rewrites it during a rotation) or a URL (fetched at start, then
 * every minute and soon after a token names a key it lacks, never on a request's path).
 */
public sealed interface JwksSource extends AutoCloseable permits FileJwks, UrlJwks {

  /** The keys now; empty while none could be loaded. */
  Optional<JWKSet> keys();

  /** A token named a key that is not there: look again soon (a URL), at once (a file). */
  void refreshSoon();

  /** Where the keys come from, for messages. */
  String describe();

  @Override
  default void close() {}

  /** A JWKS file. */
  static JwksSource file(Path file) {
    return new FileJwks(file);
  }

  /**
   * A JWKS URL: https, or plain http to a loopback address only.
   *
   * @throws IllegalArgumentException for any other URL, saying why
   */
  static JwksSource url(URI uri) {
    checkUrl(uri);
    return new UrlJwks(uri);
  }

  /**
   * Checks a JWKS URL without fetching it.
   *
   * @throws IllegalArgumentException unless https, or plain http to a loopback address
   */
  static void checkUrl(URI uri) {
    String scheme = uri.getScheme();
    if ("http".equals(scheme)) {
      if (!isLoopback(uri.getHost())) {
        throw new IllegalArgumentException(
            "JWKS URL " + uri + ": plain http only to a loopback address; use https");
      }
    } else if (!"https".equals(scheme)) {
      throw new IllegalArgumentException("JWKS URL " + uri + " is neither https nor http");
    }
  }

  private static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    if (host.equals("localhost")) {
      return true;
    }
    String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (!literal.matches("[0-9.]+|[0-9a-fA-F:]+")) {
      return false;
    }
    try {
      return InetAddress.ofLiteral(literal).isLoopbackAddress();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
