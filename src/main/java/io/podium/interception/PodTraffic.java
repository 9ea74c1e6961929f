package io.podium.interception;

import io.podium.core.CallerCredentials;
import io.podium.core.CredentialOutcome;
import io.podium.core.RoleOutcome;
import java.net.InetAddress;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the requests pods make to the metadata API, per address family, so that the rule's checks
 * can tell whether pods reach the agent through the rule: pods asking while the rule's counters
 * stay at 0 reach it some other way (an explicit endpoint, an eBPF redirect), and the rule is then
 * not what keeps them from the node's own credentials. Only the metadata API's callers are counted:
 * other endpoints (container credentials) are not behind the rule.
 */
public final class PodTraffic {

  private final Map<IpFamily, LongAdder> asked = new EnumMap<>(IpFamily.class);

  public PodTraffic() {
    for (IpFamily family : IpFamily.values()) {
      asked.put(family, new LongAdder());
    }
  }

  /** Requests from pods (callers the pod source knows as pods) over {@code family} so far. */
  long asked(IpFamily family) {
    return Objects.requireNonNull(asked.get(family), "every family has a counter").sum();
  }

  /** {@code delegate}, counting the metadata API's requests that come from pods. */
  public <R> CallerCredentials<R> countingMetadataRequests(CallerCredentials<R> delegate) {
    return new CallerCredentials<>() {
      @Override
      public CompletionStage<RoleOutcome> role(InetAddress caller) {
        return delegate
            .role(caller)
            .whenComplete(
                (outcome, failure) -> {
                  if (outcome != null && fromPod(outcome)) {
                    count(caller);
                  }
                });
      }

      @Override
      public CompletionStage<CredentialOutcome<R>> credentials(InetAddress caller) {
        return delegate
            .credentials(caller)
            .whenComplete(
                (outcome, failure) -> {
                  boolean pod =
                      switch (outcome) {
                        case null -> false;
                        case CredentialOutcome.Issued<R> _ -> true;
                        case CredentialOutcome.StsFailed<R> _ -> true;
                        case CredentialOutcome.NotIssued<R> notIssued ->
                            fromPod(notIssued.outcome());
                      };
                  if (pod) {
                    count(caller);
                  }
                });
      }
    };
  }

  void count(InetAddress caller) {
    Objects.requireNonNull(asked.get(IpFamily.of(caller)), "every family has a counter")
        .increment();
  }

  /** Whether the answer was about a pod: not the node, not an address no pod holds yet. */
  private static boolean fromPod(RoleOutcome outcome) {
    return switch (outcome) {
      case RoleOutcome.Permitted _ -> true;
      case RoleOutcome.NoRole _ -> true;
      // Host-network pods send from the node's own address: never through the rule.
      case RoleOutcome.Refused refused ->
          refused.pod() != null && refused.kind() != RoleOutcome.Refusal.HOST_ADDRESS;
      case RoleOutcome.Unavailable _ -> false;
    };
  }
}
