package io.podium.tls;

import java.net.Socket;
import java.nio.file.Path;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jspecify.annotations.Nullable;

/**
 * Verifies peers with the reloading trust manager it wraps, and when that refuses a certificate,
 * works out why in words (an unknown CA, expired, not yet valid, not for the name dialled) and
 * throws a {@link RefusedCertificateException} saying so, with the JDK's exception as its cause:
 * the handshake fails as before, and the reason travels with it.
 */
final class ExplainingTrustManager extends X509ExtendedTrustManager {

  /** One refusal, for the log and the metric. */
  record Refusal(RefusedCertificateException exception, @Nullable String peer) {}

  private final X509ExtendedTrustManager delegate;
  private final Path caFile;
  private final Clock clock;
  private final Consumer<Refusal> onRefusal;

  ExplainingTrustManager(
      X509ExtendedTrustManager delegate, Path caFile, Clock clock, Consumer<Refusal> onRefusal) {
    this.delegate = delegate;
    this.caFile = caFile;
    this.clock = clock;
    this.onRefusal = onRefusal;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    try {
      delegate.checkClientTrusted(chain, authType, engine);
    } catch (CertificateException e) {
      throw refused(chain, e, null, peer(engine));
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    try {
      delegate.checkServerTrusted(chain, authType, engine);
    } catch (CertificateException e) {
      throw refused(chain, e, engine == null ? null : engine.getPeerHost(), peer(engine));
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    try {
      delegate.checkClientTrusted(chain, authType, socket);
    } catch (CertificateException e) {
      throw refused(chain, e, null, peer(socket));
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    try {
      delegate.checkServerTrusted(chain, authType, socket);
    } catch (CertificateException e) {
      String host =
          socket != null && socket.getInetAddress() != null
              ? socket.getInetAddress().getHostName()
              : null;
      throw refused(chain, e, host, peer(socket));
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    try {
      delegate.checkClientTrusted(chain, authType);
    } catch (CertificateException e) {
      throw refused(chain, e, null, null);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    try {
      delegate.checkServerTrusted(chain, authType);
    } catch (CertificateException e) {
      throw refused(chain, e, null, null);
    }
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }

  private RefusedCertificateException refused(
      X509Certificate[] chain,
      CertificateException failure,
      @Nullable String dialled,
      @Nullable String peer) {
    RefusedCertificateException refusal = explain(chain, failure, dialled);
    onRefusal.accept(new Refusal(refusal, peer));
    return refusal;
  }

  /**
   * Why {@code failure}: what can be checked here first (validity, issuer), then what only the
   * JDK's validation knows; a certificate that passes everything here yet was refused on a client
   * that checks names was refused for its names.
   */
  private RefusedCertificateException explain(
      X509Certificate[] chain, CertificateException failure, @Nullable String dialled) {
    if (chain == null || chain.length == 0) {
      return new RefusedCertificateException(
          RefusalReason.OTHER, "(none)", "no certificate was presented", failure);
    }
    X509Certificate leaf = chain[0];
    String certificate = CertificateText.describe(leaf);
    Instant now = clock.instant();
    Instant notAfter = leaf.getNotAfter().toInstant();
    Instant notBefore = leaf.getNotBefore().toInstant();
    if (now.isAfter(notAfter)) {
      return new RefusedCertificateException(
          RefusalReason.EXPIRED, certificate, "it expired at " + notAfter, failure);
    }
    if (now.isBefore(notBefore)) {
      return new RefusedCertificateException(
          RefusalReason.NOT_YET_VALID,
          certificate,
          "it is not valid before " + notBefore + " (is this host's clock right?)",
          failure);
    }
    if (!CertificateText.chainsTo(chain, delegate.getAcceptedIssuers())) {
      return new RefusedCertificateException(
          RefusalReason.UNKNOWN_CA,
          certificate,
          "it is signed by a CA not in --tls-ca "
              + caFile
              + " (its issuer: "
              + leaf.getIssuerX500Principal().getName()
              + ")",
          failure);
    }
    CertPathValidatorException validation = find(failure, CertPathValidatorException.class);
    if (dialled != null && validation == null) {
      return new RefusedCertificateException(
          RefusalReason.WRONG_NAME,
          certificate,
          "it is not valid for "
              + dialled
              + " (names: "
              + String.join(", ", CertificateText.names(leaf))
              + ")",
          failure);
    }
    String detail =
        validation != null
            ? validation.getReason() + " " + validation.getMessage()
            : String.valueOf(failure.getMessage());
    return new RefusedCertificateException(
        RefusalReason.OTHER, certificate, "it failed verification: " + detail, failure);
  }

  private static <T extends Throwable> @Nullable T find(Throwable failure, Class<T> type) {
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 16; t = t.getCause(), depth++) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static @Nullable String peer(@Nullable SSLEngine engine) {
    return engine == null || engine.getPeerHost() == null
        ? null
        : engine.getPeerHost() + ":" + engine.getPeerPort();
  }

  private static @Nullable String peer(@Nullable Socket socket) {
    return socket == null || socket.getRemoteSocketAddress() == null
        ? null
        : socket.getRemoteSocketAddress().toString();
  }
}
