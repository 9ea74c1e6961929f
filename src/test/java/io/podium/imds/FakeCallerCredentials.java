package io.podium.imds;

import io.podium.core.CallerCredentials;
import io.podium.core.CredentialOutcome;
import io.podium.core.RoleOutcome;
import io.podium.core.broker.CachedCredentials;
import io.podium.core.broker.Credentials;
import io.podium.core.broker.IssuedCredentials;
import io.podium.core.broker.StsCallException;
import io.podium.core.pod.PodIdentity;
import io.podium.core.role.RoleArn;
import io.podium.core.role.RoleSource;
import io.podium.core.session.SessionRequest;
import io.podium.testing.FakeIssuer;
import io.podium.testing.TestPods;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.json.JsonMapper;

/**
 * An in-memory {@link CallerCredentials}: which IP gets which outcome, set up by the test with real
 * core records, and credentials rendered by the real {@link ImdsRenderer}. Every secret it makes is
 * distinct and listed by {@link #secrets()}, so tests can prove none reaches a log.
 */
final class FakeCallerCredentials implements CallerCredentials<ImdsDocuments> {

  private final Clock clock;
  private final ImdsRenderer renderer = new ImdsRenderer(JsonMapper.builder().build());
  private final Map<InetAddress, RoleOutcome> roles = new ConcurrentHashMap<>();
  private final Map<InetAddress, CachedCredentials<ImdsDocuments>> issued =
      new ConcurrentHashMap<>();
  private final Map<InetAddress, StsCallException> stsFailures = new ConcurrentHashMap<>();
  private final Map<InetAddress, CompletableFuture<CredentialOutcome<ImdsDocuments>>> pending =
      new ConcurrentHashMap<>();
  private final List<String> secrets = new ArrayList<>();
  private final AtomicInteger keys = new AtomicInteger();
  final AtomicInteger roleCalls = new AtomicInteger();
  final AtomicInteger credentialCalls = new AtomicInteger();

  FakeCallerCredentials(Clock clock) {
    this.clock = clock;
  }

  Clock clock() {
    return clock;
  }

  /** The pod at {@code ip} may use {@code roleArn}; credentials valid for an hour are ready. */
  FakeCallerCredentials permit(String ip, PodIdentity pod, String roleArn) {
    return permit(ip, pod, roleArn, Duration.ofHours(1));
  }

  FakeCallerCredentials permit(String ip, PodIdentity pod, String roleArn, Duration validity) {
    RoleArn role = RoleArn.parse(roleArn);
    SessionRequest request = SessionRequest.of(role, "podium-" + pod.name(), Duration.ofHours(1));
    roles.put(
        TestPods.ip(ip), new RoleOutcome.Permitted(pod, role, RoleSource.POD_ANNOTATION, request));
    reissue(ip, validity);
    return this;
  }

  /** New credentials for the permitted caller at {@code ip} (a refresh). */
  Credentials reissue(String ip, Duration validity) {
    RoleOutcome.Permitted permitted = (RoleOutcome.Permitted) roles.get(TestPods.ip(ip));
    int n = keys.incrementAndGet();
    Instant now = clock.instant();
    Credentials credentials =
        new Credentials(
            String.format("ASIAFAKE%012d", n),
            "fake-secret-" + UUID.randomUUID(),
            "fake-session-token-" + UUID.randomUUID(),
            now.plus(validity));
    synchronized (secrets) {
      secrets.add(credentials.secretAccessKey());
      secrets.add(credentials.sessionToken());
    }
    IssuedCredentials issuedCredentials =
        new IssuedCredentials(credentials, FakeIssuer.assumedRoleArn(permitted.request()));
    issued.put(
        TestPods.ip(ip),
        new CachedCredentials<>(
            permitted.request(),
            issuedCredentials,
            now,
            renderer.render(permitted.request(), issuedCredentials, now)));
    return credentials;
  }

  FakeCallerCredentials noRole(String ip, PodIdentity pod) {
    roles.put(TestPods.ip(ip), new RoleOutcome.NoRole(pod));
    return this;
  }

  FakeCallerCredentials refuse(
      String ip, RoleOutcome.Refusal kind, String reason, PodIdentity pod) {
    roles.put(TestPods.ip(ip), new RoleOutcome.Refused(kind, reason, pod));
    return this;
  }

  FakeCallerCredentials unavailable(String ip, String reason) {
    roles.put(TestPods.ip(ip), new RoleOutcome.Unavailable(reason));
    return this;
  }

  /** Any decision for {@code ip}, e.g. one whose reason and log detail differ. */
  FakeCallerCredentials decided(String ip, RoleOutcome outcome) {
    roles.put(TestPods.ip(ip), outcome);
    return this;
  }

  FakeCallerCredentials stsFails(String ip, StsCallException failure) {
    stsFailures.put(TestPods.ip(ip), failure);
    return this;
  }

  /** The next credentials request from {@code ip} waits for the returned future. */
  CompletableFuture<CredentialOutcome<ImdsDocuments>> holdNextCredentials(String ip) {
    CompletableFuture<CredentialOutcome<ImdsDocuments>> future = new CompletableFuture<>();
    pending.put(TestPods.ip(ip), future);
    return future;
  }

  /** What {@link #credentials} would answer now for {@code ip}, without a pending override. */
  CredentialOutcome<ImdsDocuments> outcomeFor(String ip) {
    return outcome(TestPods.ip(ip));
  }

  Credentials credentialsOf(String ip) {
    return issued.get(TestPods.ip(ip)).credentials();
  }

  List<String> secrets() {
    synchronized (secrets) {
      return List.copyOf(secrets);
    }
  }

  @Override
  public CompletionStage<RoleOutcome> role(InetAddress caller) {
    roleCalls.incrementAndGet();
    return CompletableFuture.completedFuture(roleOf(caller));
  }

  @Override
  public CompletionStage<CredentialOutcome<ImdsDocuments>> credentials(InetAddress caller) {
    credentialCalls.incrementAndGet();
    CompletableFuture<CredentialOutcome<ImdsDocuments>> held = pending.remove(caller);
    if (held != null) {
      return held;
    }
    return CompletableFuture.completedFuture(outcome(caller));
  }

  private RoleOutcome roleOf(InetAddress caller) {
    return roles.getOrDefault(
        caller, new RoleOutcome.Unavailable("no pod known at " + caller.getHostAddress()));
  }

  private CredentialOutcome<ImdsDocuments> outcome(InetAddress caller) {
    RoleOutcome role = roleOf(caller);
    if (!(role instanceof RoleOutcome.Permitted permitted)) {
      return new CredentialOutcome.NotIssued<>(role);
    }
    StsCallException failure = stsFailures.get(caller);
    if (failure != null) {
      return new CredentialOutcome.StsFailed<>(permitted, failure);
    }
    return new CredentialOutcome.Issued<>(permitted, issued.get(caller));
  }
}
