package io.podium.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class RendezvousTest {

  private static final List<String> REPLICAS = List.of("replica-a", "replica-b", "replica-c");

  @Test
  void ownerFirstPutsTheOwnerFirstAndTheNextOwnerSecond() {
    for (int i = 0; i < 500; i++) {
      String key = "session-" + i;
      List<String> ordered = new ArrayList<>(REPLICAS);
      ordered.sort(Rendezvous.ownerFirst(key, Function.identity()));

      assertThat(ordered.getFirst()).isEqualTo(Rendezvous.owner(REPLICAS, key));
      List<String> withoutOwner = new ArrayList<>(REPLICAS);
      withoutOwner.remove(ordered.getFirst());
      assertThat(ordered.get(1)).isEqualTo(Rendezvous.owner(withoutOwner, key));
    }
  }

  @Test
  void spreadsSessionsOverReplicasAndMovesOnlyTheLeaversSessions() {
    Map<String, Integer> owned = new HashMap<>();
    int moved = 0;
    for (int i = 0; i < 3000; i++) {
      String key = "session-" + i;
      String owner = Rendezvous.owner(REPLICAS, key);
      owned.merge(owner, 1, Integer::sum);
      String afterCLeft = Rendezvous.owner(List.of("replica-a", "replica-b"), key);
      if (!owner.equals(afterCLeft)) {
        moved++;
        assertThat(owner).isEqualTo("replica-c");
      }
    }
    assertThat(owned.values()).allSatisfy(n -> assertThat(n).isBetween(800, 1200));
    assertThat(moved).isEqualTo(owned.get("replica-c"));
  }

  @Test
  void noReplicasMeansNoOwner() {
    assertThat(Rendezvous.owner(List.of(), "session")).isNull();
  }
}
