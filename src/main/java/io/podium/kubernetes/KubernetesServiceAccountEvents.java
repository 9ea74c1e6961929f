package io.podium.kubernetes;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.podium.core.account.ServiceAccountProblems;
import io.podium.core.account.ServiceAccountView;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events on a ServiceAccount whose role the admission webhook did not give a pod (the
 * namespace does not permit it, or it is not a role ARN), so that {@code kubectl describe
 * serviceaccount} says why its pods run without it.
 *
 * <p>On the account, not the pod: at admission a pod has no uid and, when a controller made it, no
 * name yet, and {@code kubectl describe pod} only shows Events that name the pod's uid. The account
 * exists, is what carries the refused annotation, and one Event there covers every pod of a
 * Deployment. The message names the pod (or its generateName prefix) as the request showed it.
 *
 * <p>Never in the way: one Event per account and reason per interval (bounded memory), put on a
 * bounded queue without waiting; one virtual thread sends them. A full queue or a failed send drops
 * the Event and counts it.
 */
public final class KubernetesServiceAccountEvents implements ServiceAccountProblems, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(KubernetesServiceAccountEvents.class);

  /** One Event per account and reason per this interval by default. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);

  static final int MAX_REMEMBERED = 10_000;
  static final int QUEUE_CAPACITY = 256;
  private static final int MAX_MESSAGE = 1024;

  private record Pending(ServiceAccountView account, String reason, String message, Instant at) {}

  private final KubernetesClient client;
  private final String reportingInstance;
  private final Clock clock;
  private final EventRateLimit rateLimit;
  private final BlockingQueue<Pending> queue;
  private final PrometheusRegistry registry;
  private final Counter emitted;
  private final Counter suppressed;
  private final AtomicLong sequence = new AtomicLong();
  private final Thread sender;
  private volatile boolean sendFailureLogged;

  /**
   * Starts the sender.
   *
   * @param reportingInstance who reports, e.g. the replica's pod name
   */
  public KubernetesServiceAccountEvents(
      KubernetesClient client,
      String reportingInstance,
      Clock clock,
      Duration interval,
      PrometheusRegistry registry) {
    this(client, reportingInstance, clock, interval, MAX_REMEMBERED, QUEUE_CAPACITY, registry);
  }

  KubernetesServiceAccountEvents(
      KubernetesClient client,
      String reportingInstance,
      Clock clock,
      Duration interval,
      int maxRemembered,
      int queueCapacity,
      PrometheusRegistry registry) {
    this.client = client;
    this.reportingInstance = reportingInstance;
    this.clock = clock;
    this.rateLimit = new EventRateLimit(interval, maxRemembered);
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    this.registry = registry;
    emitted =
        Counter.builder()
            .name("podium_kubernetes_service_account_events_emitted_total")
            .help("Kubernetes Events created on service accounts whose role was not injected")
            .labelNames("reason")
            .register(registry);
    suppressed =
        Counter.builder()
            .name("podium_kubernetes_service_account_events_suppressed_total")
            .help(
                "Service-account Events not created: rate_limited (one per account and reason per"
                    + " interval), queue_full, or failed")
            .labelNames("cause")
            .register(registry);
    for (String reason : new String[] {"IAMRoleDenied", "IAMRoleInvalid"}) {
      emitted.initLabelValues(reason);
    }
    for (String cause : new String[] {"rate_limited", "queue_full", "failed"}) {
      suppressed.initLabelValues(cause);
    }
    sender = Thread.ofVirtual().name("podium-account-events").start(this::send);
  }

  @Override
  public void roleRefused(
      ServiceAccountView account, String pod, ServiceAccountProblems.Refusal kind, String reason) {
    String eventReason =
        switch (kind) {
          case POLICY_DENIED -> "IAMRoleDenied";
          case INVALID_ROLE -> "IAMRoleInvalid";
        };
    Instant now = clock.instant();
    String key = account.qualifiedName() + "/" + account.uid() + "/" + eventReason;
    if (!rateLimit.tryAcquire(key, now)) {
      suppressed.labelValues("rate_limited").inc();
      return;
    }
    String message =
        "Podium's webhook did not give pod " + pod + " this account's IAM role: " + reason;
    if (!queue.offer(new Pending(account, eventReason, abbreviate(message), now))) {
      suppressed.labelValues("queue_full").inc();
    }
  }

  /** Events waiting to be sent. */
  int queued() {
    return queue.size();
  }

  @Override
  public void close() {
    sender.interrupt();
    try {
      sender.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    registry.unregister(emitted);
    registry.unregister(suppressed);
  }

  private void send() {
    while (!Thread.currentThread().isInterrupted()) {
      Pending next;
      try {
        next = queue.poll(1, TimeUnit.DAYS);
      } catch (InterruptedException e) {
        return;
      }
      if (next == null) {
        continue;
      }
      try {
        client.v1().events().inNamespace(next.account().namespace()).resource(event(next)).create();
        emitted.labelValues(next.reason()).inc();
      } catch (KubernetesClientException e) {
        suppressed.labelValues("failed").inc();
        if (!sendFailureLogged) {
          sendFailureLogged = true;
          log.warn(
              "cannot create Kubernetes Events (HTTP {}): {}; the webhook needs create on events"
                  + " (the chart's ClusterRole). Further failures are only counted.",
              e.getCode(),
              e.getMessage());
        }
      } catch (RuntimeException e) {
        suppressed.labelValues("failed").inc();
        log.warn("creating a Kubernetes Event failed", e);
      }
    }
  }

  private Event event(Pending pending) {
    ServiceAccountView account = pending.account();
    String timestamp =
        DateTimeFormatter.ISO_INSTANT.format(pending.at().truncatedTo(ChronoUnit.SECONDS));
    return new EventBuilder()
        .withNewMetadata()
        .withNamespace(account.namespace())
        .withName(
            account.name()
                + "."
                + Long.toHexString(pending.at().toEpochMilli()).toLowerCase(Locale.ROOT)
                + Long.toHexString(sequence.incrementAndGet()))
        .endMetadata()
        .withNewInvolvedObject()
        .withApiVersion("v1")
        .withKind("ServiceAccount")
        .withNamespace(account.namespace())
        .withName(account.name())
        .withUid(account.uid().isEmpty() ? null : account.uid())
        .endInvolvedObject()
        .withType("Warning")
        .withReason(pending.reason())
        .withMessage(pending.message())
        .withNewSource()
        .withComponent("podium-webhook")
        .withHost(reportingInstance)
        .endSource()
        .withReportingComponent("podium-webhook")
        .withReportingInstance(reportingInstance)
        .withFirstTimestamp(timestamp)
        .withLastTimestamp(timestamp)
        .withCount(1)
        .build();
  }

  private static String abbreviate(String message) {
    return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE - 1) + "…";
  }
}
