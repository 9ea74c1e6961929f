package io.podium.tls;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The expiry of the agent API's and the webhook's certificates, so that a rotation that stalls is
 * seen in time.
 */
public final class TlsMetrics {

  private TlsMetrics() {}

  /**
   * Registers {@code podium_tls_certificate_expiry_timestamp_seconds} and {@code
   * podium_tls_refused_certificates_total} for {@code tls}.
   */
  public static void register(PrometheusRegistry registry, ReloadingTls tls) {
    GaugeWithCallback.builder()
        .name("podium_tls_certificate_expiry_timestamp_seconds")
        .help(
            "When the agent API's certificate (certificate=identity) and CA (certificate=ca) on"
                + " disk expire, in Unix seconds")
        .labelNames("certificate")
        .callback(
            callback -> {
              callback.call(tls.certificateExpiry().getEpochSecond(), "identity");
              callback.call(tls.caExpiry().getEpochSecond(), "ca");
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("podium_tls_refused_certificates_total")
        .help(
            "Peers' certificates this side of the agent API refused in the TLS handshake, by"
                + " reason")
        .labelNames("reason")
        .callback(
            callback -> {
              for (RefusalReason reason : RefusalReason.values()) {
                callback.call(tls.refusals(reason), reason.label());
              }
            })
        .register(registry);
  }

  /** Registers {@code podium_webhook_certificate_expiry_timestamp_seconds} for {@code tls}. */
  public static void register(PrometheusRegistry registry, ReloadingCertificate tls) {
    GaugeWithCallback.builder()
        .name("podium_webhook_certificate_expiry_timestamp_seconds")
        .help("When the admission webhook's serving certificate in force expires, in Unix seconds")
        .callback(callback -> callback.call(tls.expiry().getEpochSecond()))
        .register(registry);
  }
}
