package io.podium.tls;

import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mutual TLS for the agent API with certificates and CA reloaded from disk: gRPC's {@link
 * AdvancedTlsX509KeyManager} and {@link AdvancedTlsX509TrustManager} re-read the files every
 * refresh interval when they changed, so cert-manager's rotations take effect without a restart and
 * without dropping established connections. Both sides require the other's certificate, and say why
 * they refuse one: the server in its log, the agent through {@link #failures()}.
 */
public final class ReloadingTls implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ReloadingTls.class);
  private static final Duration REFUSAL_LOG_INTERVAL = Duration.ofMinutes(1);

  /** Which end of the connection this is. */
  public enum Side {
    /** Verifies clients against the CA; their node comes from their certificate or token. */
    SERVER,
    /** Verifies the server against the CA and the name it was dialled by. */
    AGENT
  }

  private final TlsFiles files;
  private final Side side;
  private final AdvancedTlsX509KeyManager keyManager = new AdvancedTlsX509KeyManager();
  private final AdvancedTlsX509TrustManager trustManager;
  private final ExplainingTrustManager explainingTrustManager;
  private final Clock clock;
  private final Map<RefusalReason, LongAdder> refusals = new EnumMap<>(RefusalReason.class);
  // When each refusal (reason and certificate) was last logged: agents retry every few seconds.
  private final Map<String, Instant> refusalsLogged =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
          return size() > 256;
        }
      };
  private final ScheduledFuture<?> reloading;
  private String identityStamp;
  private String caStamp;
  private final CachedExpiry identityExpiry;
  private final CachedExpiry caExpiry;

  private ReloadingTls(
      TlsFiles files, Side side, Duration refresh, ScheduledExecutorService executor, Clock clock)
      throws IOException, GeneralSecurityException {
    this.files = files;
    this.side = side;
    this.clock = clock;
    for (RefusalReason reason : RefusalReason.values()) {
      refusals.put(reason, new LongAdder());
    }
    this.trustManager =
        AdvancedTlsX509TrustManager.newBuilder()
            .setVerification(
                side == Side.AGENT
                    ? AdvancedTlsX509TrustManager.Verification
                        .CERTIFICATE_AND_HOST_NAME_VERIFICATION
                    : AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION)
            .build();
    this.explainingTrustManager =
        new ExplainingTrustManager(trustManager, files.ca(), clock, this::refused);
    // Loaded once now, so that a broken file stops the start with its reason.
    keyManager.updateIdentityCredentials(files.certificate().toFile(), files.key().toFile());
    trustManager.updateTrustCredentials(files.ca().toFile());
    this.identityStamp = stamp(files.certificate(), files.key());
    this.caStamp = stamp(files.ca());
    // gRPC's own scheduled reloading enforces a one-minute minimum and needs both files to change;
    // checking modification times here on our interval and loading with its one-shot methods
    // keeps the loading its own, and lets a rotation take effect within --tls-refresh.
    long period = Math.max(1, refresh.toMillis());
    this.reloading =
        executor.scheduleWithFixedDelay(
            this::reloadIfChanged, period, period, TimeUnit.MILLISECONDS);
    this.identityExpiry = new CachedExpiry(files.certificate());
    this.caExpiry = new CachedExpiry(files.ca());
  }

  /**
   * Loads the files and starts reloading them every {@code refresh} on {@code executor}.
   *
   * @throws IllegalArgumentException naming the file that cannot be used, and why
   */
  public static ReloadingTls load(
      TlsFiles files, Side side, Duration refresh, ScheduledExecutorService executor) {
    return load(files, side, refresh, executor, Clock.systemUTC());
  }

  /**
   * As {@link #load(TlsFiles, Side, Duration, ScheduledExecutorService)}, judging peers'
   * certificates' validity by {@code clock} when explaining a refusal.
   */
  public static ReloadingTls load(
      TlsFiles files, Side side, Duration refresh, ScheduledExecutorService executor, Clock clock) {
    try {
      return new ReloadingTls(files, side, refresh, executor, clock);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot use the TLS files "
              + files.certificate()
              + ", "
              + files.key()
              + " and "
              + files.ca()
              + ": "
              + e,
          e);
    }
  }

  /** Server credentials that require and verify a client certificate. */
  public ServerCredentials serverCredentials() {
    return TlsServerCredentials.newBuilder()
        .keyManager(keyManager)
        .trustManager(explainingTrustManager)
        .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
        .build();
  }

  /** Channel credentials that present the agent's certificate and verify the server's. */
  public ChannelCredentials channelCredentials() {
    return TlsChannelCredentials.newBuilder()
        .keyManager(keyManager)
        .trustManager(explainingTrustManager)
        .build();
  }

  public Side side() {
    return side;
  }

  /** Explains failed connections from this side's files: the agent's log lines and readiness. */
  public TlsFailures failures() {
    return new TlsFailures(files, clock);
  }

  /** How many peer certificates this side refused, by reason, since it started. */
  public long refusals(RefusalReason reason) {
    return counter(reason).sum();
  }

  private LongAdder counter(RefusalReason reason) {
    return Objects.requireNonNull(refusals.get(reason));
  }

  /**
   * Counts a refusal and, on the server, logs it: the agent cannot tell the server's log why, so
   * the server says it here, once a minute per certificate and reason.
   */
  private void refused(ExplainingTrustManager.Refusal refusal) {
    RefusedCertificateException e = refusal.exception();
    counter(e.reason()).increment();
    if (side != Side.SERVER) {
      return;
    }
    String key = e.reason() + " " + e.certificate();
    Instant now = clock.instant();
    synchronized (refusalsLogged) {
      Instant last = refusalsLogged.get(key);
      if (last != null && now.isBefore(last.plus(REFUSAL_LOG_INTERVAL))) {
        return;
      }
      refusalsLogged.put(key, now);
    }
    // gRPC's server does not show the certificate check the connection's address: the
    // certificate's subject and node name say which agent it is.
    log.warn(
        "TLS from {} failed: we refused its certificate {}: {}",
        refusal.peer() == null ? "an agent" : "agent " + refusal.peer(),
        e.certificate(),
        e.getMessage());
  }

  /** When the certificate on disk expires; {@link Instant#EPOCH} when it cannot be read. */
  public Instant certificateExpiry() {
    return identityExpiry.get();
  }

  /** When the CA on disk expires first; {@link Instant#EPOCH} when it cannot be read. */
  public Instant caExpiry() {
    return caExpiry.get();
  }

  /** Whether both the certificate and the CA are valid at {@code now} (for readiness). */
  public boolean validAt(Instant now) {
    return identityExpiry.validAt(now) && caExpiry.validAt(now);
  }

  @Override
  public void close() {
    reloading.cancel(false);
  }

  private synchronized void reloadIfChanged() {
    String identity = stamp(files.certificate(), files.key());
    if (!identity.equals(identityStamp)) {
      try {
        keyManager.updateIdentityCredentials(files.certificate().toFile(), files.key().toFile());
        identityStamp = identity;
        log.info(
            "Reloaded TLS certificate {} (expires {})", files.certificate(), certificateExpiry());
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        // Half-written files (a writer without atomic moves) are retried on the next check.
        log.warn(
            "cannot reload {} and {}, keeping the previous certificate: {}",
            files.certificate(),
            files.key(),
            e.toString());
      }
    }
    String ca = stamp(files.ca());
    if (!ca.equals(caStamp)) {
      try {
        trustManager.updateTrustCredentials(files.ca().toFile());
        caStamp = ca;
        log.info("Reloaded TLS CA {} (expires {})", files.ca(), caExpiry());
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        log.warn("cannot reload {}, keeping the previous CA: {}", files.ca(), e.toString());
      }
    }
  }

  /** Modification times and sizes: what changes when a file is rewritten or swapped. */
  private static String stamp(Path... paths) {
    StringBuilder stamp = new StringBuilder();
    for (Path path : paths) {
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
    return "ReloadingTls[" + side + ", " + files.certificate() + "]";
  }

  /** The validity of the first-to-expire certificate in a file, re-read when the file changes. */
  private static final class CachedExpiry {
    private final Path file;
    private @Nullable FileTime readAt;
    private Instant notBefore = Instant.MAX;
    private Instant notAfter = Instant.EPOCH;

    CachedExpiry(Path file) {
      this.file = file;
    }

    synchronized Instant get() {
      refresh();
      return notAfter;
    }

    synchronized boolean validAt(Instant now) {
      refresh();
      return !now.isBefore(notBefore) && now.isBefore(notAfter);
    }

    private void refresh() {
      try {
        FileTime modified = Files.getLastModifiedTime(file);
        if (modified.equals(readAt)) {
          return;
        }
        Instant earliestEnd = Instant.MAX;
        Instant latestStart = Instant.MIN;
        for (X509Certificate certificate : Pem.readCertificates(file)) {
          Instant end = certificate.getNotAfter().toInstant();
          Instant start = certificate.getNotBefore().toInstant();
          earliestEnd = end.isBefore(earliestEnd) ? end : earliestEnd;
          latestStart = start.isAfter(latestStart) ? start : latestStart;
        }
        notAfter = earliestEnd;
        notBefore = latestStart;
        readAt = modified;
      } catch (IOException | GeneralSecurityException e) {
        log.warn("cannot read certificate file {} to check its expiry: {}", file, e.toString());
        notAfter = Instant.EPOCH;
        notBefore = Instant.MAX;
        readAt = null;
      }
    }
  }
}
