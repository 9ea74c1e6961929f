package io.podium.tls;

import java.io.Serial;
import java.security.cert.CertificateException;

/**
 * The peer's certificate was refused, and why in words: thrown by this process's trust manager in
 * place of the JDK's exception (which stays its cause), so that whoever sees the handshake fail can
 * find the explanation in the exception's causes.
 */
public final class RefusedCertificateException extends CertificateException {

  @Serial private static final long serialVersionUID = 1L;

  private final RefusalReason reason;
  private final String certificate;

  RefusedCertificateException(
      RefusalReason reason, String certificate, String why, CertificateException cause) {
    super(why, cause);
    this.reason = reason;
    this.certificate = certificate;
  }

  public RefusalReason reason() {
    return reason;
  }

  /** The refused certificate: subject, names, issuer and expiry. */
  public String certificate() {
    return certificate;
  }
}
