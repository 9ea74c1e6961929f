package io.podium.tls;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * The agent's side of a failed TLS connection in one sentence: which side refused which certificate
 * and why. Our own refusals carry their reason ({@link RefusedCertificateException}); the server's
 * arrive only as a TLS alert, so the likely cause is what this side can see of its own certificate
 * (expired, not from the CA).
 */
public final class TlsFailures {

  // The alert's name is only in the message: the JDK writes "Received fatal alert: unknown_ca",
  // BoringSSL (netty-tcnative) "...:TLSV1_ALERT_UNKNOWN_CA". No type carries it.
  private static final Pattern JDK_ALERT = Pattern.compile("fatal alert: ([a-z_0-9]+)");
  private static final Pattern OPENSSL_ALERT =
      Pattern.compile("(?:SSLV3|TLSV1|TLSV1_3)_ALERT_([A-Z_0-9]+)");
  private static final Set<String> CERTIFICATE_ALERTS =
      Set.of(
          "bad_certificate",
          "unsupported_certificate",
          "certificate_revoked",
          "certificate_expired",
          "certificate_unknown",
          "unknown_ca",
          "certificate_required",
          "access_denied");

  private static final String INTERNAL_ERROR = "internal_error";

  private final TlsFiles files;
  private final Clock clock;

  public TlsFailures(TlsFiles files, Clock clock) {
    this.files = files;
    this.clock = clock;
  }

  /**
   * What went wrong in TLS in {@code failure} (a gRPC status exception and its causes), as the rest
   * of "TLS to server X failed: …"; empty when TLS is not what failed.
   */
  public Optional<String> explain(Throwable failure) {
    SSLException ssl = null;
    String alert = null;
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 16; t = t.getCause(), depth++) {
      if (t instanceof RefusedCertificateException refused) {
        return Optional.of(
            "we refused the server's certificate "
                + refused.certificate()
                + ": "
                + refused.getMessage());
      }
      if (t instanceof SSLException e) {
        ssl = ssl == null ? e : ssl;
        alert = alert == null ? alert(e.getMessage()) : alert;
      }
    }
    if (ssl == null) {
      return Optional.empty();
    }
    if (alert != null && CERTIFICATE_ALERTS.contains(alert)) {
      return Optional.of(
          "the server refused our certificate ("
              + ourCertificate()
              + "): TLS alert "
              + alert
              + "; "
              + likelyCause());
    }
    if (INTERNAL_ERROR.equals(alert)) {
      // BoringSSL has no alert for a refusal without a standard reason (a CA it does not trust
      // among them) and sends internal_error: most likely our certificate, but not surely.
      return Optional.of(
          "the server refused our certificate ("
              + ourCertificate()
              + "): TLS alert internal_error, which a server sends for a certificate from a CA it"
              + " does not trust; "
              + likelyCause());
    }
    return Optional.of(
        "the TLS handshake failed"
            + (alert == null ? "" : " with TLS alert " + alert)
            + ": "
            + ssl.getMessage());
  }

  /** {@code --tls-cert FILE: CN=…, expires …}, for lines about our own certificate. */
  public String ourCertificate() {
    Optional<X509Certificate> leaf = leaf();
    return "--tls-cert "
        + files.certificate()
        + leaf.map(
                c -> ": " + CertificateText.subject(c) + ", expires " + c.getNotAfter().toInstant())
            .orElse(": unreadable");
  }

  /** The node our certificate names in its node URI SAN, if it names one. */
  public Optional<String> ourNode() {
    return leaf().flatMap(NodeNames::nodeOf);
  }

  private String likelyCause() {
    Optional<X509Certificate> read = leaf();
    if (read.isEmpty()) {
      return "likely cause: " + files.certificate() + " cannot be read";
    }
    X509Certificate leaf = read.get();
    Instant now = clock.instant();
    if (now.isAfter(leaf.getNotAfter().toInstant())) {
      return "likely cause: our certificate expired at " + leaf.getNotAfter().toInstant();
    }
    if (now.isBefore(leaf.getNotBefore().toInstant())) {
      return "likely cause: our certificate is not valid before "
          + leaf.getNotBefore().toInstant()
          + " (is this host's or the server's clock right?)";
    }
    X509Certificate[] cas = read(files.ca());
    if (cas.length > 0 && !CertificateText.chainsTo(read(files.certificate()), cas)) {
      return "likely cause: our certificate is not issued by a CA in --tls-ca "
          + files.ca()
          + " (its issuer: "
          + leaf.getIssuerX500Principal().getName()
          + "), which the server's --tls-ca usually matches";
    }
    return "our certificate looks valid here: does the server's --tls-ca hold its issuer "
        + leaf.getIssuerX500Principal().getName()
        + "?";
  }

  private Optional<X509Certificate> leaf() {
    X509Certificate[] chain = read(files.certificate());
    return chain.length == 0 ? Optional.empty() : Optional.of(chain[0]);
  }

  private static X509Certificate[] read(java.nio.file.Path file) {
    try {
      return Pem.readCertificates(file);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      return new X509Certificate[0];
    }
  }

  private static @Nullable String alert(@Nullable String message) {
    if (message == null) {
      return null;
    }
    Matcher jdk = JDK_ALERT.matcher(message);
    if (jdk.find()) {
      return jdk.group(1);
    }
    Matcher openssl = OPENSSL_ALERT.matcher(message);
    return openssl.find() ? openssl.group(1).toLowerCase(Locale.ROOT) : null;
  }
}
