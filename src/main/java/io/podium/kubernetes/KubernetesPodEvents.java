package io.podium.kubernetes;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.podium.core.PodProblems;
import io.podium.core.RoleOutcome;
import io.podium.core.broker.StsCallException;
import io.podium.core.pod.PodIdentity;
import io.podium.core.role.RoleArn;
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
 * Kubernetes Events on a pod when its role is refused or STS fails it, so that {@code kubectl
 * describe pod} says why it has no credentials. Reasons and role ARNs only, never a secret.
 *
 * <p>Never in the way: problems are reported from request and watch threads, so each is checked
 * against a rate limit (one event per pod and reason per interval, bounded memory) and put on a
 * bounded queue without waiting; one virtual thread sends them to the API server. A full queue or a
 * failed send drops the event and counts it: an event is advice, not a guarantee.
 */
public final class KubernetesPodEvents implements PodProblems, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(KubernetesPodEvents.class);

  /** One event per pod and reason per this interval by default. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);

  static final int MAX_REMEMBERED = 10_000;
  static final int QUEUE_CAPACITY = 256;
  private static final int MAX_MESSAGE = 1024;

  /** Event reasons, in Kubernetes' CamelCase; bounded, fit for a metric label. */
  enum Reason {
    IAM_ROLE_DENIED("IAMRoleDenied"),
    IAM_ROLE_INVALID("IAMRoleInvalid"),
    IAM_CREDENTIALS_FAILED("IAMCredentialsFailed");

    private final String value;

    Reason(String value) {
      this.value = value;
    }

    String value() {
      return value;
    }
  }

  private record Pending(PodIdentity pod, Reason reason, String message, Instant at) {}

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
   * @param reportingInstance who reports, e.g. the node's name
   * @param interval at most one event per pod and reason per interval
   */
  public KubernetesPodEvents(
      KubernetesClient client,
      String reportingInstance,
      Clock clock,
      Duration interval,
      PrometheusRegistry registry) {
    this(client, reportingInstance, clock, interval, MAX_REMEMBERED, QUEUE_CAPACITY, registry);
  }

  KubernetesPodEvents(
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
            .name("podium_kubernetes_events_emitted_total")
            .help("Kubernetes Events created on pods, by reason")
            .labelNames("reason")
            .register(registry);
    suppressed =
        Counter.builder()
            .name("podium_kubernetes_events_suppressed_total")
            .help(
                "Events not created: rate_limited (one per pod and reason per interval),"
                    + " queue_full, or failed (the API server refused or was away)")
            .labelNames("cause")
            .register(registry);
    for (Reason reason : Reason.values()) {
      emitted.initLabelValues(reason.value());
    }
    for (String cause : new String[] {"rate_limited", "queue_full", "failed"}) {
      suppressed.initLabelValues(cause);
    }
    sender = Thread.ofVirtual().name("podium-events").start(this::send);
  }

  @Override
  public void roleRefused(PodIdentity pod, RoleOutcome.Refused refused) {
    Reason reason =
        switch (refused.kind()) {
          case POLICY_DENIED -> Reason.IAM_ROLE_DENIED;
          case INVALID_ANNOTATION -> Reason.IAM_ROLE_INVALID;
          // The node's own addresses have no pod to tell; a token refused for its caller's
          // address or node, or for a pod that may not hold credentials, is the caller's problem
          // (answered and logged), not a fault in the pod's configuration.
          case HOST_ADDRESS, WRONG_ADDRESS, OTHER_NODE, POD_INELIGIBLE -> null;
        };
    if (reason != null) {
      report(pod, reason, "Podium refused the pod's IAM role: " + refused.reason());
    }
  }

  @Override
  public void stsFailed(PodIdentity pod, RoleArn role, StsCallException failure) {
    report(
        pod,
        Reason.IAM_CREDENTIALS_FAILED,
        "AssumeRole of "
            + role
            + " failed: "
            + failure.errorCode()
            + (failure.getMessage() == null ? "" : " (" + failure.getMessage() + ")"));
  }

  /** Events waiting to be sent. */
  int queued() {
    return queue.size();
  }

  /** Pod and reason pairs the rate limit remembers. */
  int remembered() {
    return rateLimit.remembered();
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

  private void report(PodIdentity pod, Reason reason, String message) {
    Instant now = clock.instant();
    if (!rateLimit.tryAcquire(pod.uid() + "/" + reason.value(), now)) {
      suppressed.labelValues("rate_limited").inc();
      return;
    }
    if (!queue.offer(new Pending(pod, reason, abbreviate(message), now))) {
      suppressed.labelValues("queue_full").inc();
    }
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
        client.v1().events().inNamespace(next.pod().namespace()).resource(event(next)).create();
        emitted.labelValues(next.reason().value()).inc();
      } catch (KubernetesClientException e) {
        suppressed.labelValues("failed").inc();
        if (!sendFailureLogged) {
          sendFailureLogged = true;
          log.warn(
              "cannot create Kubernetes Events (HTTP {}): {}; Podium needs create on events"
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
    PodIdentity pod = pending.pod();
    String timestamp =
        DateTimeFormatter.ISO_INSTANT.format(pending.at().truncatedTo(ChronoUnit.SECONDS));
    return new EventBuilder()
        .withNewMetadata()
        .withNamespace(pod.namespace())
        // kubectl's own scheme: the object's name and a unique suffix.
        .withName(
            pod.name()
                + "."
                + Long.toHexString(pending.at().toEpochMilli()).toLowerCase(Locale.ROOT)
                + Long.toHexString(sequence.incrementAndGet()))
        .endMetadata()
        .withNewInvolvedObject()
        .withApiVersion("v1")
        .withKind("Pod")
        .withNamespace(pod.namespace())
        .withName(pod.name())
        .withUid(pod.uid())
        .endInvolvedObject()
        .withType("Warning")
        .withReason(pending.reason().value())
        .withMessage(pending.message())
        .withNewSource()
        .withComponent("podium")
        .withHost(reportingInstance)
        .endSource()
        .withReportingComponent("podium")
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
