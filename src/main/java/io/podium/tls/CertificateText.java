package io.podium.tls;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Certificates in words for log lines: subject, alternative names, issuer and validity. Never
 * anything secret: a certificate is public.
 */
public final class CertificateText {

  private static final int DNS = 2;
  private static final int URI = 6;
  private static final int IP = 7;

  private CertificateText() {}

  /** {@code CN=node-a,O=podium (names: …; issuer …; expires …)}. */
  public static String describe(X509Certificate certificate) {
    List<String> names = names(certificate);
    return subject(certificate)
        + " ("
        + (names.isEmpty() ? "no alternative names" : "names: " + String.join(", ", names))
        + "; issuer "
        + certificate.getIssuerX500Principal().getName()
        + "; expires "
        + certificate.getNotAfter().toInstant()
        + ")";
  }

  static String subject(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().getName();
  }

  /** The DNS, IP and URI alternative names, in the certificate's order. */
  static List<String> names(X509Certificate certificate) {
    Collection<List<?>> sans;
    try {
      sans = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return List.of("unreadable: " + e.getMessage());
    }
    List<String> names = new ArrayList<>();
    if (sans == null) {
      return names;
    }
    for (List<?> san : sans) {
      if (san.size() == 2
          && san.get(0) instanceof Integer type
          && (type == DNS || type == URI || type == IP)
          && san.get(1) instanceof String value) {
        names.add(value);
      }
    }
    return names;
  }

  /** Whether one of {@code chain} is, or is signed by, one of {@code trusted}. */
  static boolean chainsTo(X509Certificate[] chain, X509Certificate[] trusted) {
    for (X509Certificate anchor : trusted) {
      for (X509Certificate certificate : chain) {
        if (certificate.equals(anchor)) {
          return true;
        }
        if (certificate.getIssuerX500Principal().equals(anchor.getSubjectX500Principal())) {
          try {
            certificate.verify(anchor.getPublicKey());
            return true;
          } catch (GeneralSecurityException e) {
            // Same name, another key: a different CA that happens to share its name.
          }
        }
      }
    }
    return false;
  }
}
