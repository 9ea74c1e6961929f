package io.podium.containercredentials;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The cluster's service-account signing keys and issuers that tokens are verified against, replaced
 * whole when they change: read from the API server ({@code podium standalone}), pushed by the
 * servers ({@code podium agent}), or podium dev's own key. Until the first keys arrive every token
 * is answered 503: nothing can be verified yet, and "refused" would be a lie.
 *
 * <p>Thread-safe; reads take no lock.
 */
public final class ServiceAccountKeys {

  /**
   * The keys in force.
   *
   * @param keys public keys with their {@code kid}s
   * @param issuers the accepted {@code iss} values; empty accepts any (the keys alone decide)
   * @param generation grows by one with every replacement, so that cached verdicts notice
   */
  public record Snapshot(JWKSet keys, Set<String> issuers, long generation) {
    public Snapshot {
      issuers = Set.copyOf(issuers);
    }

    /** The key named {@code kid}. */
    Optional<JWK> key(String kid) {
      return Optional.ofNullable(keys.getKeyByKeyId(kid));
    }
  }

  private volatile Snapshot current;
  private volatile Runnable refreshSoon = () -> {};
  private volatile Consumer<Snapshot> replaced = snapshot -> {};

  /** Keys known from the start (dev mode, tests). */
  public static ServiceAccountKeys of(List<JWK> keys, Set<String> issuers) {
    ServiceAccountKeys known = new ServiceAccountKeys();
    known.replace(keys, issuers);
    return known;
  }

  /** The keys in force, or empty before any arrived. */
  public Optional<Snapshot> current() {
    return Optional.ofNullable(current);
  }

  /**
   * Puts {@code keys} and {@code issuers} in force, unless they equal those in force already.
   *
   * @return whether anything changed
   */
  public synchronized boolean replace(List<JWK> keys, Set<String> issuers) {
    JWKSet set = new JWKSet(keys).toPublicJWKSet();
    Snapshot before = current;
    if (before != null
        && before.keys().toJSONObject().equals(set.toJSONObject())
        && before.issuers().equals(Set.copyOf(issuers))) {
      return false;
    }
    current = new Snapshot(set, issuers, before == null ? 1 : before.generation() + 1);
    replaced.accept(current);
    return true;
  }

  /**
   * Parses {@code jwks} (a JWKS document, as the servers send it to agents) and puts it in force.
   *
   * @throws IllegalArgumentException when it is not a JWKS
   */
  public boolean replace(String jwks, Set<String> issuers) {
    try {
      return replace(JWKSet.parse(jwks).getKeys(), issuers);
    } catch (java.text.ParseException e) {
      throw new IllegalArgumentException("not a JWKS document: " + e.getMessage(), e);
    }
  }

  /** The keys as a public JWKS document, for the servers to send to their agents. */
  public static String jwks(Snapshot snapshot) {
    return snapshot.keys().toPublicJWKSet().toString();
  }

  /**
   * Calls {@code listener} (on the thread that replaces them) each time new keys are put in force,
   * and at once when some are already.
   */
  public synchronized void onReplaced(Consumer<Snapshot> listener) {
    replaced = listener;
    if (current != null) {
      listener.accept(current);
    }
  }

  /** Who to ask when a token names a key not in force (a rotation the source has not shown yet). */
  public void onUnknownKey(Runnable refresh) {
    this.refreshSoon = refresh;
  }

  void unknownKeySeen() {
    refreshSoon.run();
  }
}
