package io.podium.stsemulator;

import static io.podium.stsemulator.StsReplies.code;
import static java.time.Duration.ofMillis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podium.testing.MutableClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StsFaultsTest {

  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
  private static final String READER = "arn:aws:iam::123456789012:role/reader";
  private static final String WRITER = "arn:aws:iam::123456789012:role/writer";

  private final StsEmulator emulator = StsEmulator.builder().clock(new MutableClock(NOW)).build();

  @AfterEach
  void close() {
    emulator.close();
  }

  private StsReply assumeRole(String roleArn) {
    return emulator.handle(
        SignedRequests.action("AssumeRole")
            .param("RoleArn", roleArn)
            .param("RoleSessionName", "faults")
            .at(NOW)
            .build());
  }

  @Test
  void throttlesExactlyTheNextNRequests() {
    emulator.faults().throttleNext(2);

    StsReply first = assumeRole(READER);
    StsReply second = assumeRole(READER);
    StsReply third = assumeRole(READER);

    assertThat(first.status()).isEqualTo(400);
    assertThat(code(first)).isEqualTo("Throttling");
    assertThat(StsReplies.message(first)).isEqualTo("Rate exceeded");
    assertThat(code(second)).isEqualTo("Throttling");
    assertThat(third.status()).isEqualTo(200);
    assertThat(emulator.stats().callCount("AssumeRole")).isEqualTo(3);
    assertThat(emulator.stats().errorCount("Throttling")).isEqualTo(2);
    assertThat(emulator.stats().sessionsIssued()).isEqualTo(1);
  }

  @Test
  void forcesTheGivenErrorForTheNextNRequests() {
    emulator.faults().failNext(1, StsError.serviceUnavailable());

    StsReply failed = assumeRole(READER);
    StsReply next = assumeRole(READER);

    assertThat(failed.status()).isEqualTo(503);
    assertThat(code(failed)).isEqualTo("ServiceUnavailable");
    assertThat(StsReplies.text(failed, "Type")).isEqualTo("Receiver");
    assertThat(next.status()).isEqualTo(200);
  }

  @Test
  void forcesInternalFailureWith500() {
    emulator.faults().failNext(1, StsError.internalFailure());

    StsReply failed = assumeRole(READER);

    assertThat(failed.status()).isEqualTo(500);
    assertThat(code(failed)).isEqualTo("InternalFailure");
  }

  @Test
  void forcesErrorsForOneRoleOnly() {
    emulator.faults().failNextForRole(WRITER, 5, StsError.accessDenied("nope"));

    assertThat(assumeRole(READER).status()).isEqualTo(200);
    assertThat(code(assumeRole(WRITER))).isEqualTo("AccessDenied");
    assertThat(assumeRole(READER).status()).isEqualTo(200);
  }

  @Test
  void throttlesEveryRequestAtFractionOneAndNoneAtZero() {
    emulator.faults().throttleFraction(1);
    assertThat(IntStream.range(0, 20).mapToObj(i -> assumeRole(READER)))
        .allSatisfy(reply -> assertThat(code(reply)).isEqualTo("Throttling"));

    emulator.faults().throttleFraction(0);
    assertThat(IntStream.range(0, 20).mapToObj(i -> assumeRole(READER)))
        .allSatisfy(reply -> assertThat(reply.status()).isEqualTo(200));
  }

  @Test
  void throttlesRoughlyTheAskedFraction() {
    emulator.faults().throttleFraction(0.5);

    long throttled =
        IntStream.range(0, 400)
            .mapToObj(i -> assumeRole(READER))
            .filter(r -> r.status() == 400)
            .count();

    assertThat(throttled).isBetween(120L, 280L);
  }

  @Test
  void resetRemovesEveryFault() {
    emulator
        .faults()
        .throttleNext(5)
        .failNext(5, StsError.internalFailure())
        .throttleFraction(1)
        .failNextForRole(READER, 5, StsError.throttling())
        .latency(Duration.ofSeconds(1));

    emulator.faults().reset();

    StsReply reply = assumeRole(READER);
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.delay()).isZero();
  }

  @Test
  void appliesLatencyToEveryAnswerErrorsIncluded() {
    emulator.faults().latency(Duration.ofMillis(120)).throttleNext(1);

    assertThat(assumeRole(READER).delay()).isEqualTo(Duration.ofMillis(120));
    assertThat(assumeRole(READER).delay()).isEqualTo(Duration.ofMillis(120));
  }

  @Test
  void drawsLatencyUniformlyWithinTheRange() {
    StsFaults faults = new StsFaults(new SecureRandom());
    faults.latency(Duration.ofMillis(50), Duration.ofMillis(150));

    assertThat(IntStream.range(0, 200).mapToObj(i -> faults.nextDelay()))
        .allSatisfy(
            delay -> assertThat(delay).isBetween(Duration.ofMillis(50), Duration.ofMillis(150)))
        .anySatisfy(delay -> assertThat(delay).isLessThan(Duration.ofMillis(100)))
        .anySatisfy(delay -> assertThat(delay).isGreaterThan(Duration.ofMillis(100)));
  }

  @Test
  void remembersTheLatencyInjectedIntoEachSessionsLatestAnswer() {
    emulator.faults().latency(Duration.ofMillis(50), Duration.ofMillis(150));
    StsReply first = assumeRoleAs("pod-a");
    StsReply second = assumeRoleAs("pod-b");
    StsReply again = assumeRoleAs("pod-a");

    assertThat(emulator.stats().injectedDelay("pod-a")).contains(again.delay());
    assertThat(emulator.stats().injectedDelay("pod-b")).contains(second.delay());
    assertThat(List.of(first.delay(), second.delay(), again.delay()))
        .allSatisfy(delay -> assertThat(delay).isBetween(ofMillis(50), ofMillis(150)));
    assertThat(emulator.stats().injectedDelay("pod-c")).isEmpty();
  }

  @Test
  void remembersNoLatencyWhenNoneIsInjected() {
    assertThat(assumeRoleAs("pod-a").status()).isEqualTo(200);

    assertThat(emulator.stats().injectedDelay("pod-a")).isEmpty();
  }

  private StsReply assumeRoleAs(String sessionName) {
    return emulator.handle(
        SignedRequests.action("AssumeRole")
            .param("RoleArn", READER)
            .param("RoleSessionName", sessionName)
            .at(NOW)
            .build());
  }

  @Test
  void roleFaultsComeBeforeGlobalOnes() {
    StsFaults faults = new StsFaults(new SecureRandom());
    faults.throttleNext(1).failNextForRole(READER, 1, StsError.internalFailure());

    assertThat(faults.nextError(Optional.of(READER))).contains(StsError.internalFailure());
    assertThat(faults.nextError(Optional.of(READER))).contains(StsError.throttling());
    assertThat(faults.nextError(Optional.of(READER))).isEmpty();
  }

  @Test
  void refusesNonsensicalSettings() {
    StsFaults faults = emulator.faults();

    assertThatThrownBy(() -> faults.throttleFraction(1.5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> faults.throttleNext(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> faults.latency(Duration.ofMillis(10), Duration.ofMillis(5)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StsError.forCode("Teapot")).hasMessageContaining("known: Throttling");
  }
}
