package io.podium.tls;

import java.util.Locale;

/** Why a peer's certificate was refused in the TLS handshake: a few bounded kinds, for metrics. */
public enum RefusalReason {
  /** Not issued by a CA in {@code --tls-ca}. */
  UNKNOWN_CA,
  /** Past its notAfter. */
  EXPIRED,
  /** Before its notBefore (a clock, or a certificate issued for later). */
  NOT_YET_VALID,
  /** A server certificate that does not carry the name the agent dialled. */
  WRONG_NAME,
  /** Anything else the JDK's certificate path validation refused. */
  OTHER;

  /** The metric label: the name in lower case. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
