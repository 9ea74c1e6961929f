package io.podium.imds;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.podium.core.RoleOutcome;
import io.podium.core.broker.CachedCredentials;
import io.podium.core.broker.Credentials;
import io.podium.core.broker.IssuedCredentials;
import io.podium.core.pod.PodIdentity;
import io.podium.core.role.RoleArn;
import io.podium.core.role.RoleSource;
import io.podium.core.session.SessionRequest;
import io.podium.testing.LogCapture;
import io.podium.testing.MutableClock;
import io.podium.testing.TestPods;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The audit trail: one record per credential reaching a pod, repeats only counted. */
class AuditLogTest {

  @RegisterExtension final LogCapture logs = new LogCapture();

  private static final RoleArn READER = RoleArn.parse("arn:aws:iam::123456789012:role/reader");
  private final MutableClock clock = MutableClock.at("2026-11-28T10:00:00Z");
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final MetadataMetrics metrics = new MetadataMetrics(registry);
  private final AuditLog audit = new AuditLog(clock, metrics);
  private final PodIdentity web = TestPods.running("team-a", "web").withIp("10.0.0.5").build();
  private final PodIdentity web2 = TestPods.running("team-a", "web-2").withIp("10.0.0.7").build();
  private final SessionRequest session =
      SessionRequest.of(READER, "team-a-web", Duration.ofHours(1));
  private int keys;

  @Test
  void aRepeatedHandoutIsCountedNotRecorded() {
    CachedCredentials<?> credentials = issue(Duration.ofHours(1));

    audit.handedOut(permitted(web), credentials, Route.CREDENTIALS);
    audit.handedOut(permitted(web), credentials, Route.CREDENTIALS);
    audit.handedOut(permitted(web), credentials, Route.CREDENTIALS);

    assertThat(records()).hasSize(1);
    assertThat(Exposition.text(registry)).contains("podium_audit_repeated_handouts_total 2.0");
  }

  @Test
  void aRefreshedCredentialIsRecordedAgain() {
    CachedCredentials<?> first = issue(Duration.ofHours(1));
    CachedCredentials<?> refreshed = issue(Duration.ofHours(1));

    audit.handedOut(permitted(web), first, Route.CREDENTIALS);
    audit.handedOut(permitted(web), refreshed, Route.CREDENTIALS);

    assertThat(records())
        .extracting(event -> event.getMDCPropertyMap().get("credentials.access_key_id"))
        .containsExactly(first.credentials().accessKeyId(), refreshed.credentials().accessKeyId());
  }

  @Test
  void aSharedSessionIsRecordedForEveryPodThatReceivesIt() {
    CachedCredentials<?> shared = issue(Duration.ofHours(1));

    audit.handedOut(permitted(web), shared, Route.CREDENTIALS);
    audit.handedOut(permitted(web2), shared, Route.CREDENTIALS);

    assertThat(records())
        .extracting(event -> event.getMDCPropertyMap().get("pod.name"))
        .containsExactly("web", "web-2");
  }

  @Test
  void eachRouteIsRecordedOnce() {
    CachedCredentials<?> credentials = issue(Duration.ofHours(1));

    audit.handedOut(permitted(web), credentials, Route.CREDENTIALS);
    audit.handedOut(permitted(web), credentials, Route.CREDENTIALS_EXTENDED);
    audit.handedOut(permitted(web), credentials, Route.CREDENTIALS_EXTENDED);

    assertThat(records()).hasSize(2);
  }

  @Test
  void pastItsBoundExpiredHandoutsAreForgottenAndLiveOnesKept() {
    AuditLog bounded = new AuditLog(clock, metrics, 10);
    CachedCredentials<?> live = issue(Duration.ofHours(1));
    CachedCredentials<?> expiring = issue(Duration.ofMinutes(1));
    bounded.handedOut(permitted(web), live, Route.CREDENTIALS);
    for (int i = 0; i < 9; i++) {
      bounded.handedOut(permitted(job(i)), expiring, Route.CREDENTIALS);
    }
    clock.advance(Duration.ofMinutes(2));

    bounded.handedOut(permitted(job(9)), expiring, Route.CREDENTIALS); // the eleventh: prunes
    bounded.handedOut(permitted(web), live, Route.CREDENTIALS); // still remembered
    bounded.handedOut(permitted(job(0)), expiring, Route.CREDENTIALS); // forgotten: again

    assertThat(records()).hasSize(12);
    assertThat(Exposition.text(registry)).contains("podium_audit_repeated_handouts_total 1.0");
  }

  @Test
  void pastItsBoundWithNothingExpiredAllIsForgottenAndRecordedAgain() {
    AuditLog bounded = new AuditLog(clock, metrics, 10);
    CachedCredentials<?> live = issue(Duration.ofHours(1));
    for (int i = 0; i < 11; i++) {
      bounded.handedOut(permitted(job(i)), live, Route.CREDENTIALS);
    }

    bounded.handedOut(permitted(job(0)), live, Route.CREDENTIALS);

    assertThat(records()).hasSize(12);
    assertThat(Exposition.text(registry)).contains("podium_audit_repeated_handouts_total 0.0");
  }

  private static PodIdentity job(int i) {
    return TestPods.running("team-a", "job-" + i).withIp("10.1.0." + (i + 1)).build();
  }

  private CachedCredentials<?> issue(Duration validity) {
    Instant now = clock.instant();
    Credentials credentials =
        new Credentials(
            String.format("ASIAAUDIT%011d", ++keys),
            "secret-" + keys,
            "token-" + keys,
            now.plus(validity));
    return new CachedCredentials<>(
        session,
        new IssuedCredentials(credentials, "arn:aws:sts::123456789012:assumed-role/reader/s"),
        now,
        "rendered");
  }

  private RoleOutcome.Permitted permitted(PodIdentity pod) {
    return new RoleOutcome.Permitted(pod, READER, RoleSource.POD_ANNOTATION, session);
  }

  private List<ILoggingEvent> records() {
    return AgentLogs.audit(logs);
  }
}
