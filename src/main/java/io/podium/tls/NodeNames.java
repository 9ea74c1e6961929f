package io.podium.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How a node's name is carried in an agent's client certificate: one URI SAN {@code
 * spiffe://podium/node/<name>}. A URI SAN rather than the CN because a CN is free text that any
 * certificate has, while this URI is only in certificates issued for agents; a certificate with no
 * such URI, or with two, names no node.
 */
public final class NodeNames {

  /** The prefix of an agent's node URI. */
  public static final String NODE_URI_PREFIX = "spiffe://podium/node/";

  /** The URI SAN of server certificates, so that one is never mistaken for an agent's. */
  public static final String SERVER_URI = "spiffe://podium/server";

  // A Kubernetes node name: a DNS-1123 subdomain. Our own trusted pattern.
  private static final Pattern NODE =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final int URI_SAN = 6;

  private NodeNames() {}

  /** The URI SAN that names {@code node}. */
  public static String uriFor(String node) {
    requireValid(node);
    return NODE_URI_PREFIX + node;
  }

  /**
   * @throws IllegalArgumentException when {@code node} is not a DNS-1123 subdomain of at most 253
   *     characters
   */
  public static void requireValid(String node) {
    if (node == null || node.isEmpty() || node.length() > 253 || !NODE.matcher(node).matches()) {
      throw new IllegalArgumentException(
          "'"
              + (node == null ? "" : node.length() > 64 ? node.substring(0, 64) + "…" : node)
              + "' is not a node name (lower-case letters, digits, '-' and '.')");
    }
  }

  /** The node named by {@code certificate}'s one node URI SAN, if it has exactly one. */
  public static Optional<String> nodeOf(X509Certificate certificate) {
    Collection<List<?>> sans;
    try {
      sans = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return Optional.empty();
    }
    if (sans == null) {
      return Optional.empty();
    }
    String found = null;
    for (List<?> san : sans) {
      if (san.size() == 2
          && Integer.valueOf(URI_SAN).equals(san.get(0))
          && san.get(1) instanceof String uri
          && uri.startsWith(NODE_URI_PREFIX)) {
        if (found != null) {
          return Optional.empty();
        }
        found = uri.substring(NODE_URI_PREFIX.length());
      }
    }
    if (found == null || !NODE.matcher(found).matches() || found.length() > 253) {
      return Optional.empty();
    }
    return Optional.of(found);
  }
}
