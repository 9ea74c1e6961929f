package io.podium.tls;

import io.grpc.util.AdvancedTlsX509KeyManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A serving certificate and key reloaded from disk when they change: the admission webhook's, whose
 * clients (the API server) check it against the caBundle and present none of their own. The key
 * manager it hands out is gRPC's {@link AdvancedTlsX509KeyManager}, as {@link ReloadingTls} uses
 * it, so any TLS server built on it (Netty's among them) serves the new certificate from the next
 * handshake on, without a restart and without dropping connections.
 */
public final class ReloadingCertificate implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ReloadingCertificate.class);

  private final Path certificate;
  private final Path key;
  private final AdvancedTlsX509KeyManager keyManager = new AdvancedTlsX509KeyManager();
  private final ScheduledFuture<?> reloading;
  private String stamp;
  private volatile Instant notBefore = Instant.MAX;
  private volatile Instant notAfter = Instant.EPOCH;

  private ReloadingCertificate(
      Path certificate, Path key, Duration refresh, ScheduledExecutorService executor)
      throws IOException, GeneralSecurityException {
    this.certificate = certificate;
    this.key = key;
    // Loaded once now, so that a broken file stops the start with its reason.
    keyManager.updateIdentityCredentials(certificate.toFile(), key.toFile());
    readValidity();
    this.stamp = stamp();
    long period = Math.max(1, refresh.toMillis());
    this.reloading =
        executor.scheduleWithFixedDelay(
            this::reloadIfChanged, period, period, TimeUnit.MILLISECONDS);
  }

  /**
   * Loads the files and starts checking them for changes every {@code refresh} on {@code executor}.
   *
   * @throws IllegalArgumentException naming the files that cannot be used, and why
   */
  public static ReloadingCertificate load(
      Path certificate, Path key, Duration refresh, ScheduledExecutorService executor) {
    try {
      return new ReloadingCertificate(certificate, key, refresh, executor);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot use the TLS certificate " + certificate + " and key " + key + ": " + e, e);
    }
  }

  /** The key manager that always holds the latest good certificate. */
  public X509ExtendedKeyManager keyManager() {
    return keyManager;
  }

  /** When the certificate in force expires. */
  public Instant expiry() {
    return notAfter;
  }

  /** Whether the certificate in force is valid at {@code now} (for readiness). */
  public boolean validAt(Instant now) {
    return !now.isBefore(notBefore) && now.isBefore(notAfter);
  }

  @Override
  public void close() {
    reloading.cancel(false);
  }

  private synchronized void reloadIfChanged() {
    String now = stamp();
    if (now.equals(stamp)) {
      return;
    }
    try {
      keyManager.updateIdentityCredentials(certificate.toFile(), key.toFile());
      readValidity();
      stamp = now;
      log.info("Reloaded TLS certificate {} (expires {})", certificate, notAfter);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      // Half-written files (a writer without atomic moves) are retried on the next check.
      log.warn(
          "cannot reload {} and {}, keeping the previous certificate: {}",
          certificate,
          key,
          e.toString());
    }
  }

  private void readValidity() throws IOException, GeneralSecurityException {
    X509Certificate[] chain = Pem.readCertificates(certificate);
    if (chain.length == 0) {
      throw new GeneralSecurityException("no certificate in " + certificate);
    }
    // The leaf's own validity: the chain's CA outlives it.
    notBefore = chain[0].getNotBefore().toInstant();
    notAfter = chain[0].getNotAfter().toInstant();
  }

  /** Modification times and sizes: what changes when a file is rewritten or swapped. */
  private String stamp() {
    StringBuilder stamp = new StringBuilder();
    for (Path path : new Path[] {certificate, key}) {
      try {
        stamp
            .append(Files.getLastModifiedTime(path).toMillis())
            .append('/')
            .append(Files.size(path));
      } catch (IOException e) {
        stamp.append("missing");
      }
      stamp.append(';');
    }
    return stamp.toString();
  }

  @Override
  public String toString() {
    return "ReloadingCertificate[" + certificate + "]";
  }
}
