package io.podium.stsemulator;

import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JWKS URL, fetched on a thread of its own (never on the event loop that answers requests): at
 * start, every minute, and a few seconds after a token names a key it lacks.
 */
final class UrlJwks implements JwksSource {

  private static final Logger log = LoggerFactory.getLogger(UrlJwks.class);
  private static final Duration PERIOD = Duration.ofMinutes(1);
  private static final Duration SOON = Duration.ofSeconds(2);
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final URI uri;
  private final HttpClient http;
  private final ScheduledExecutorService timer;
  private final AtomicReference<JWKSet> keys = new AtomicReference<>();
  private final AtomicBoolean refreshPending = new AtomicBoolean();

  UrlJwks(URI uri) {
    this.uri = uri;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("sts-emulator-jwks").daemon().factory());
    var _ = timer.scheduleWithFixedDelay(this::fetch, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public Optional<JWKSet> keys() {
    return Optional.ofNullable(keys.get());
  }

  @Override
  public void refreshSoon() {
    if (refreshPending.compareAndSet(false, true)) {
      var _ =
          timer.schedule(
              () -> {
                refreshPending.set(false);
                fetch();
              },
              SOON.toMillis(),
              TimeUnit.MILLISECONDS);
    }
  }

  /** Fetches now; for the first load, which a caller may want to wait for. */
  void fetch() {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        log.warn("JWKS {} answered {}; keeping the keys read before", uri, response.statusCode());
        return;
      }
      JWKSet set = JWKSet.parse(response.body()).toPublicJWKSet();
      keys.set(set);
      log.debug("Loaded {} keys from {}", set.size(), uri);
    } catch (IOException | ParseException | RuntimeException e) {
      // RuntimeException too: one escaping would end the periodic refresh without a word.
      log.warn("JWKS {} could not be loaded ({}); keeping the keys read before", uri, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String describe() {
    return uri.toString();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
