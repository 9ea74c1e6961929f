package io.podium.oidc;

import com.nimbusds.jose.jwk.JWK;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Which keys the published JWKS holds during a rotation: every key the cluster signs with now, and
 * every key it stopped using less than a grace period ago, because tokens signed with it stay valid
 * until they expire. When each key was last seen is kept in a small state document beside the
 * published ones, so that a restarted sync (or the next run of a CronJob) remembers.
 */
public final class KeyRetention {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Duration grace;

  /**
   * @param grace how long a key that left the cluster's key set stays published; at least the
   *     longest lifetime of a token for STS's audience
   */
  public KeyRetention(Duration grace) {
    if (grace.isNegative()) {
      throw new IllegalArgumentException("the grace period must not be negative");
    }
    this.grace = grace;
  }

  /** A key and when the cluster last signed with it (as far as a sync saw). */
  public record SeenKey(JWK key, Instant lastSeen) {
    public SeenKey {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(lastSeen, "lastSeen");
    }
  }

  /**
   * The outcome of one pass.
   *
   * @param published the keys to publish: current ones first, then retired ones still in grace
   * @param state what to remember until the next pass
   * @param retired kids no longer current but still published
   * @param dropped kids whose grace period ended: no longer published
   */
  public record Result(
      List<JWK> published, List<SeenKey> state, List<String> retired, List<String> dropped) {}

  /** Combines the keys read now with what earlier passes saw. */
  public Result apply(List<JWK> current, List<SeenKey> previous, Instant now) {
    Map<String, SeenKey> state = new LinkedHashMap<>();
    List<JWK> published = new ArrayList<>();
    for (JWK key : current) {
      state.put(key.getKeyID(), new SeenKey(key, now));
      published.add(key);
    }
    List<String> retired = new ArrayList<>();
    List<String> dropped = new ArrayList<>();
    for (SeenKey seen : previous) {
      String kid = seen.key().getKeyID();
      if (state.containsKey(kid)) {
        continue;
      }
      if (seen.lastSeen().plus(grace).isAfter(now)) {
        state.put(kid, seen);
        published.add(seen.key());
        retired.add(kid);
      } else {
        dropped.add(kid);
      }
    }
    return new Result(
        List.copyOf(published),
        List.copyOf(state.values()),
        List.copyOf(retired),
        List.copyOf(dropped));
  }

  /** The state document: {@code {"keys":[{"kid":…,"lastSeen":…,"jwk":{…}}]}}, public keys only. */
  public static byte[] toJson(List<SeenKey> state) {
    ObjectNode root = JSON.createObjectNode();
    root.put("comment", "podium oidc: when each signing key was last seen, for key rotation");
    ArrayNode keys = root.putArray("keys");
    for (SeenKey seen : state) {
      ObjectNode entry = keys.addObject();
      entry.put("kid", seen.key().getKeyID());
      entry.put("lastSeen", seen.lastSeen().toString());
      entry.set("jwk", JSON.valueToTree(seen.key().toPublicJWK().toJSONObject()));
    }
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
  }

  /**
   * Reads a state document.
   *
   * @throws IllegalArgumentException when it is not one, saying why
   */
  public static List<SeenKey> fromJson(byte[] json) {
    List<SeenKey> state = new ArrayList<>();
    try {
      JsonNode root = JSON.readTree(json);
      for (JsonNode entry : root.path("keys")) {
        JWK key = JWK.parse(JSON.writeValueAsString(entry.path("jwk")));
        state.add(new SeenKey(key.toPublicJWK(), Instant.parse(entry.path("lastSeen").asString())));
      }
    } catch (ParseException | RuntimeException e) {
      throw new IllegalArgumentException("not a podium oidc key state: " + e.getMessage(), e);
    }
    return List.copyOf(state);
  }

  /** Keys of a JWKS published before any state existed: treated as seen now. */
  public static List<SeenKey> seenNow(List<JWK> keys, Instant now) {
    return keys.stream().map(key -> new SeenKey(key.toPublicJWK(), now)).toList();
  }
}
