package io.podium.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.core.broker.StsCallException;
import io.podium.core.pod.PodIdentity;
import io.podium.core.role.RoleArn;
import io.podium.core.role.RoleSource;
import io.podium.testing.TestPods;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class ReportingCallerCredentialsTest {

  private final PodIdentity web = TestPods.running("shop", "web").withIp("10.0.0.5").build();
  private final RoleArn role = RoleArn.parse("arn:aws:iam::123456789012:role/web");
  private final List<String> reported = new ArrayList<>();
  private final PodProblems problems =
      new PodProblems() {
        @Override
        public void roleRefused(PodIdentity pod, RoleOutcome.Refused refused) {
          reported.add("refused " + pod.name() + " " + refused.kind());
        }

        @Override
        public void stsFailed(PodIdentity pod, RoleArn arn, StsCallException failure) {
          reported.add("sts " + pod.name() + " " + arn.name() + " " + failure.errorCode());
        }
      };

  private static CallerCredentials<String> answering(
      RoleOutcome role, CredentialOutcome<String> credentials) {
    return new CallerCredentials<>() {
      @Override
      public CompletionStage<RoleOutcome> role(InetAddress caller) {
        return CompletableFuture.completedFuture(role);
      }

      @Override
      public CompletionStage<CredentialOutcome<String>> credentials(InetAddress caller) {
        return CompletableFuture.completedFuture(credentials);
      }
    };
  }

  @Test
  void refusalsAndStsFailuresAreReportedAndAnswersPassThrough() {
    RoleOutcome.Refused denied =
        new RoleOutcome.Refused(RoleOutcome.Refusal.POLICY_DENIED, "not permitted", web);
    RoleOutcome.Permitted permitted =
        new RoleOutcome.Permitted(web, role, RoleSource.POD_ANNOTATION, null);
    StsCallException failure = new StsCallException.AccessDenied("AccessDenied", "no", null);

    var refusing =
        new ReportingCallerCredentials<>(
            answering(denied, new CredentialOutcome.NotIssued<>(denied)), problems);
    var failing =
        new ReportingCallerCredentials<>(
            answering(permitted, new CredentialOutcome.StsFailed<>(permitted, failure)), problems);

    assertThat(refusing.role(web.ips().getFirst()).toCompletableFuture().join()).isSameAs(denied);
    refusing.credentials(web.ips().getFirst());
    failing.credentials(web.ips().getFirst());

    assertThat(reported)
        .containsExactly(
            "refused web POLICY_DENIED", "refused web POLICY_DENIED", "sts web web AccessDenied");
  }

  @Test
  void unknownCallersAndHostAddressesHaveNoPodToReport() {
    RoleOutcome host = new RoleOutcome.Refused(RoleOutcome.Refusal.HOST_ADDRESS, "node", null);
    RoleOutcome unknown = new RoleOutcome.Unavailable("no pod");

    new ReportingCallerCredentials<>(
            answering(host, new CredentialOutcome.NotIssued<>(host)), problems)
        .credentials(web.ips().getFirst());
    new ReportingCallerCredentials<>(
            answering(unknown, new CredentialOutcome.NotIssued<>(unknown)), problems)
        .credentials(web.ips().getFirst());

    assertThat(reported).isEmpty();
  }
}
