package io.podium.imds;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The allow-list (anchored, RE2) and the hard deny list. */
class PassthroughPolicyTest {

  private final PassthroughPolicy defaults = PassthroughPolicy.of(null);

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/latest/meta-data/instance-id",
        "/latest/meta-data/instance-type",
        "/latest/meta-data/hostname",
        "/latest/meta-data/local-hostname",
        "/latest/meta-data/local-ipv4",
        "/latest/meta-data/mac",
        "/latest/meta-data/placement",
        "/latest/meta-data/placement/",
        "/latest/meta-data/placement/availability-zone-id",
        "/latest/meta-data/placement/region/",
        "/latest/dynamic/instance-identity/document"
      })
  void allowsTheDefaultSet(String path) {
    assertThat(defaults.allowed(path)).isTrue();
    assertThat(defaults.denied(path)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/latest/meta-data/",
        "/latest/meta-data/public-keys/0/openssh-key",
        "/latest/meta-data/network/interfaces/macs/",
        "/latest/meta-data/tags/instance/Name",
        "/latest/meta-data/instance-id-and-more",
        "/x/latest/meta-data/instance-id",
        "/latest/meta-data/public-hostname"
      })
  void refusesWhatTheDefaultSetLeavesOut(String path) {
    assertThat(defaults.allowed(path)).isFalse();
  }

  @Test
  void anchorsTheUserRegexp() {
    PassthroughPolicy policy = PassthroughPolicy.of("/latest/meta-data/instance-id|/latest/x");

    assertThat(policy.allowed("/latest/meta-data/instance-id")).isTrue();
    assertThat(policy.allowed("/latest/x")).isTrue();
    assertThat(policy.allowed("/latest/meta-data/instance-id/more")).isFalse();
    assertThat(policy.allowed("/other/latest/x")).isFalse();
  }

  @Test
  void matchesHostileRegexpsInLinearTime() {
    PassthroughPolicy policy = PassthroughPolicy.of("(a+)+b");
    String path = "/" + "a".repeat(MetadataPaths.MAX_PATH_LENGTH - 1);

    long started = System.nanoTime();
    assertThat(policy.allowed(path)).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/latest/user-data",
        "/latest/user-data/",
        "/2009-04-04/user-data",
        "/latest/User-Data",
        "/latest/meta-data/iam",
        "/latest/meta-data/iam/",
        "/latest/meta-data/IAM/info",
        "/2016-09-02/meta-data/iam/security-credentials/node",
        "/latest/meta-data/identity-credentials/ec2/security-credentials/ec2-instance",
        "/latest/meta-data/security-credentials",
        "/latest/dynamic/instance-identity/signature",
        "/latest/dynamic/instance-identity/pkcs7",
        "/latest/dynamic/instance-identity/rsa2048",
        "/latest/dynamic/instance-identity/anything-new",
        "/latest/api/token",
        // A server behind Podium may read these as the denied name with a suffix it ignores.
        "/latest/user-data:",
        "/latest/user-data~",
        "/latest/user-data.txt",
        "/latest/User-Data=1",
        "/latest/meta-data/iam:",
        "/latest/meta-data/iam~/info",
        "/latest/meta-data:/iam",
        "/latest/meta-data/identity-credentials:/ec2/info",
        "/latest/meta-data/security-credentials~",
        "/latest/dynamic/instance-identity:/signature",
        "/latest/dynamic/instance-identity/document:",
        "/latest/dynamic/instance-identity/signature~",
        "/latest/api/token:"
      })
  void deniesWhatNoConfigurationMayPass(String path) {
    assertThat(defaults.denied(path)).isTrue();
    assertThat(PassthroughPolicy.of(".*").denied(path)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/latest/dynamic/instance-identity/document",
        "/latest/dynamic/instance-identity/",
        "/latest/meta-data/ami-id",
        "/latest/meta-data/network/interfaces/macs/0e:49:61:0f:c3:11/local-ipv4s",
        "/latest/meta-data/placement/region",
        "/"
      })
  void doesNotDenyTheirNeighbours(String path) {
    assertThat(defaults.denied(path)).isFalse();
  }
}
