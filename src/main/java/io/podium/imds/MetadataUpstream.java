package io.podium.imds;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's real metadata service, for allow-listed paths only. Asynchronous (the JDK client),
 * with short timeouts and a bounded response size. It starts with IMDSv1 and, once the service
 * answers 401 (an IMDSv2-only instance), switches to tokens of its own: fetched with a PUT, shared
 * by all requests, renewed before they expire and replaced when refused (the service restarted).
 */
final class MetadataUpstream implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MetadataUpstream.class);

  static final int TOKEN_TTL_SECONDS = 21_600;
  private static final Duration RENEW_BEFORE_EXPIRY = Duration.ofMinutes(10);
  private static final int MAX_TOKEN_BYTES = 4096;

  /** An upstream answer, copied back to the caller. */
  record Answer(int status, byte[] body, String contentType) {}

  private record Token(String value, Instant renewAfter) {}

  private final String base;
  private final Duration timeout;
  private final int maxBodyBytes;
  private final Clock clock;
  private final HttpClient client;
  private final AtomicReference<CompletableFuture<Token>> token = new AtomicReference<>();
  private volatile boolean tokensRequired;

  MetadataUpstream(URI base, Duration timeout, int maxBodyBytes, Clock clock) {
    String text = base.toString();
    this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    this.timeout = timeout;
    this.maxBodyBytes = maxBodyBytes;
    this.clock = clock;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .proxy(HttpClient.Builder.NO_PROXY)
            .build();
  }

  String base() {
    return base;
  }

  /** GETs {@code path} (canonical, already allowed), with a token when the service needs one. */
  CompletableFuture<Answer> get(String path) {
    if (tokensRequired) {
      return getWithToken(path);
    }
    return send(path, null)
        .thenCompose(
            answer -> {
              if (answer.status() != 401) {
                return CompletableFuture.completedFuture(answer);
              }
              if (!tokensRequired) {
                tokensRequired = true;
                log.info("The metadata service at {} requires IMDSv2 tokens; using them", base);
              }
              return getWithToken(path);
            });
  }

  private CompletableFuture<Answer> getWithToken(String path) {
    return token(null)
        .thenCompose(
            first ->
                send(path, first)
                    .thenCompose(
                        answer ->
                            answer.status() == 401
                                ? token(first).thenCompose(second -> send(path, second))
                                : CompletableFuture.completedFuture(answer)));
  }

  private CompletableFuture<Answer> send(String path, String tokenValue) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout).GET();
    if (tokenValue != null) {
      request.header("X-aws-ec2-metadata-token", tokenValue);
    }
    return client
        .sendAsync(request.build(), info -> new BoundedBody(maxBodyBytes))
        .thenApply(
            response -> new Answer(response.statusCode(), response.body(), contentType(response)));
  }

  /**
   * A usable token: the cached one unless it is missing, failed, due for renewal or the one the
   * service just refused ({@code rejected}); then one fetch, shared by every concurrent caller.
   */
  private CompletableFuture<String> token(String rejected) {
    while (true) {
      CompletableFuture<Token> current = token.get();
      if (current != null && usable(current, rejected)) {
        return current.thenApply(Token::value);
      }
      CompletableFuture<Token> fresh = new CompletableFuture<>();
      if (token.compareAndSet(current, fresh)) {
        fetchToken()
            .whenComplete(
                (value, error) -> {
                  if (error != null) {
                    fresh.completeExceptionally(error);
                  } else {
                    fresh.complete(value);
                  }
                });
        return fresh.thenApply(Token::value);
      }
    }
  }

  private boolean usable(CompletableFuture<Token> candidate, String rejected) {
    if (!candidate.isDone()) {
      return true;
    }
    if (candidate.isCompletedExceptionally()) {
      return false;
    }
    Token current = candidate.join();
    return !current.value().equals(rejected) && clock.instant().isBefore(current.renewAfter());
  }

  private CompletionStage<Token> fetchToken() {
    Instant requestedAt = clock.instant();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + Route.TOKEN_PATH))
            .timeout(timeout)
            .PUT(HttpRequest.BodyPublishers.noBody())
            .header("X-aws-ec2-metadata-token-ttl-seconds", Integer.toString(TOKEN_TTL_SECONDS))
            .build();
    return client
        .sendAsync(request, info -> new BoundedBody(MAX_TOKEN_BYTES))
        .thenApply(
            response -> {
              String value = new String(response.body(), StandardCharsets.US_ASCII).strip();
              if (response.statusCode() != 200 || value.isEmpty()) {
                throw new UpstreamTokenException("token request answered " + response.statusCode());
              }
              return new Token(
                  value, requestedAt.plusSeconds(TOKEN_TTL_SECONDS).minus(RENEW_BEFORE_EXPIRY));
            });
  }

  private static String contentType(HttpResponse<?> response) {
    return response
        .headers()
        .firstValue("Content-Type")
        .filter(
            value -> value.length() <= 100 && value.chars().allMatch(c -> c >= 0x20 && c < 0x7f))
        .orElse(null);
  }

  @Override
  public void close() {
    client.shutdownNow();
  }

  /** The upstream refused to issue a token. */
  static final class UpstreamTokenException extends RuntimeException {
    UpstreamTokenException(String message) {
      super(message);
    }
  }

  /** The upstream sent more than the configured limit. */
  static final class ResponseTooLargeException extends IOException {
    ResponseTooLargeException(int limit) {
      super("response larger than " + limit + " bytes");
    }
  }

  /** Collects a response body up to a limit, failing (and cancelling the stream) beyond it. */
  private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final int limit;
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private Flow.Subscription subscription;

    BoundedBody(int limit) {
      this.limit = limit;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      if (body.isDone()) {
        return;
      }
      for (ByteBuffer buffer : buffers) {
        if (received.size() + buffer.remaining() > limit) {
          subscription.cancel();
          body.completeExceptionally(new ResponseTooLargeException(limit));
          return;
        }
        byte[] chunk = new byte[buffer.remaining()];
        buffer.get(chunk);
        received.writeBytes(chunk);
      }
    }

    @Override
    public void onError(Throwable error) {
      body.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
      body.complete(received.toByteArray());
    }
  }
}
