package io.podium.tls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where one side of the agent API finds its TLS material: its certificate chain and key (PEM,
 * PKCS#8) and the CA bundle it trusts for its peers. cert-manager's Secret keys {@code tls.crt},
 * {@code tls.key} and {@code ca.crt} mounted as a volume fit as they are.
 */
public record TlsFiles(Path certificate, Path key, Path ca) {

  public TlsFiles {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(ca, "ca");
  }

  /**
   * @throws IllegalArgumentException naming the option of the first file that cannot be read
   */
  public TlsFiles requireReadable(String certOption, String keyOption, String caOption) {
    requireReadable(certificate, certOption);
    requireReadable(key, keyOption);
    requireReadable(ca, caOption);
    return this;
  }

  private static void requireReadable(Path file, String option) {
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException(
          option + " " + file + " cannot be read: create it with podium certs or cert-manager");
    }
  }
}
