package io.podium.imds;

import com.google.re2j.Pattern;
import java.util.List;
import java.util.Locale;

/**
 * Which metadata paths may reach the node's real metadata service: those the allow-list matches
 * (the whole canonical path, anchored), minus a hard deny list that no configuration can lift.
 *
 * <p>Denied, in any version tree ({@code /latest/…}, {@code /2009-04-04/…}) and any letter case:
 * {@code user-data} (boot scripts, often with secrets); {@code meta-data/iam/…} (the node's own
 * role and credentials — Podium answers {@code /latest/meta-data/iam/} itself); anything under
 * {@code identity-credentials} or {@code security-credentials} (EC2's own instance credentials);
 * the signed identity documents {@code dynamic/instance-identity/signature|pkcs7|rsa2048} and
 * anything else under {@code instance-identity/} but the unsigned {@code document} (a signature
 * lets a pod prove itself to be the node, e.g. to Vault's aws-ec2 login); and {@code api/token}
 * (Podium issues its own tokens).
 *
 * <p>Each name is matched as a prefix of its segment, not as the whole segment: a server behind
 * Podium may read {@code user-data:}, {@code user-data~} or {@code iam.json} as the denied name
 * with a suffix (or a parameter) it ignores, so every segment that starts with a denied name is
 * denied. ({@link MetadataPaths} refuses {@code ;} path parameters before any of this.)
 */
final class PassthroughPolicy {

  /**
   * The default allow-list: what SDKs and common tools read, nothing that identifies the node
   * beyond its own id and address. {@code network/interfaces/macs/…} is left out: it lists the
   * node's subnets, security groups and every secondary address (other pods' IPs), which maps the
   * network for an attacker and which no SDK needs.
   */
  static final String DEFAULT_ALLOWED_ROUTES =
      "/latest/meta-data/(instance-id|instance-type|hostname|local-hostname|local-ipv4|mac"
          + "|placement(/[a-z0-9-]+)?)/?"
          + "|/latest/dynamic/instance-identity/document/?";

  /** Segments starting with one of these are denied wherever they occur. */
  private static final List<String> DENIED_PREFIXES =
      List.of("user-data", "identity-credentials", "security-credentials");

  private final Pattern allowed;
  private final String allowedSource;

  private PassthroughPolicy(String regexp) {
    this.allowedSource = regexp;
    this.allowed = Pattern.compile("^(?:" + regexp + ")$");
  }

  /** The policy for {@code --allow-route-regexp}, or the default allow-list when {@code null}. */
  static PassthroughPolicy of(String allowRouteRegexp) {
    return new PassthroughPolicy(
        allowRouteRegexp == null ? DEFAULT_ALLOWED_ROUTES : allowRouteRegexp);
  }

  /** Whether the hard deny list forbids {@code path}, whatever the allow-list says. */
  boolean denied(String path) {
    String[] segments = path.toLowerCase(Locale.ROOT).split("/");
    for (int i = 0; i < segments.length; i++) {
      String segment = segments[i];
      String previous = i > 0 ? segments[i - 1] : "";
      String next = i + 1 < segments.length ? segments[i + 1] : "";
      if (startsWithAny(segment, DENIED_PREFIXES)
          || (segment.startsWith("iam") && previous.startsWith("meta-data"))
          || (segment.startsWith("token") && previous.startsWith("api"))
          || (segment.startsWith("instance-identity") && !unsignedIdentity(segment, next))) {
        return true;
      }
    }
    return false;
  }

  /** {@code instance-identity} itself, listed or asked for its unsigned {@code document} only. */
  private static boolean unsignedIdentity(String segment, String next) {
    return segment.equals("instance-identity") && (next.isEmpty() || next.equals("document"));
  }

  private static boolean startsWithAny(String segment, List<String> prefixes) {
    for (String prefix : prefixes) {
      if (segment.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the allow-list lets {@code path} through (check {@link #denied} as well). */
  boolean allowed(String path) {
    return allowed.matches(path);
  }

  @Override
  public String toString() {
    return "PassthroughPolicy[allow ^(?:" + allowedSource + ")$]";
  }
}
