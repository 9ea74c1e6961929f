package io.podium.cli;

import io.podium.containercredentials.KeyRefresher;
import io.podium.containercredentials.ServiceAccountKeys;
import java.time.Duration;

/**
 * Where a process's container-credentials endpoint gets the keys that verify pods' tokens: known
 * from the start ({@code podium dev}'s own key), or read from the cluster and read again.
 */
sealed interface SigningKeySupply {

  /** Keys that never change (dev mode: it signs the tokens itself). */
  record Known(ServiceAccountKeys keys) implements SigningKeySupply {}

  /**
   * Keys read at start and every {@code interval}.
   *
   * @param source what {@code reader} reads, for log lines
   */
  record Read(KeyRefresher.Reader reader, String source, Duration interval)
      implements SigningKeySupply {}
}
