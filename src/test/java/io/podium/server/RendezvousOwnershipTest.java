package io.podium.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.core.Replicas;
import io.podium.core.role.RoleArn;
import io.podium.core.session.SessionRequest;
import io.podium.wire.WireCodec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RendezvousOwnershipTest {

  private static final List<String> KEYS =
      IntStream.range(0, 1000)
          .mapToObj(
              i ->
                  WireCodec.sessionKey(
                      SessionRequest.of(
                          RoleArn.parse("arn:aws:iam::123456789012:role/r" + (i % 7)),
                          "s-" + i,
                          Duration.ofHours(1))))
          .toList();

  private record FixedReplicas(String self, Optional<Set<String>> live) implements Replicas {
    @Override
    public void onChange(Runnable listener) {}
  }

  @Test
  void everySessionHasExactlyOneOwnerAmongTheLiveReplicas() {
    Set<String> live = Set.of("a", "b", "c");
    for (String key : KEYS) {
      assertThat(live).contains(RendezvousOwnership.owner(live, key));
    }
    long ownedByA =
        KEYS.stream().filter(k -> RendezvousOwnership.owner(live, k).equals("a")).count();
    assertThat(ownedByA).isBetween(250L, 420L);
  }

  @Test
  void whenAReplicaLeavesOnlyItsSessionsMove() {
    Set<String> before = Set.of("a", "b", "c");
    Set<String> after = Set.of("b", "c");
    for (String key : KEYS) {
      String owner = RendezvousOwnership.owner(before, key);
      if (!owner.equals("a")) {
        assertThat(RendezvousOwnership.owner(after, key)).isEqualTo(owner);
      }
    }
  }

  @Test
  void ownsEverySessionWhileMembershipIsUnknown() {
    SessionRequest request =
        SessionRequest.of(
            RoleArn.parse("arn:aws:iam::123456789012:role/r"), "s", Duration.ofHours(1));
    var unknown = new RendezvousOwnership(new FixedReplicas("a", Optional.empty()));
    var knownOthers = new RendezvousOwnership(new FixedReplicas("a", Optional.of(Set.of("b"))));

    assertThat(unknown.owns(request)).isTrue();
    assertThat(knownOthers.owns(request)).isFalse();
  }
}
