package io.podium.containercredentials;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.podium.core.CredentialOutcome;
import io.podium.core.RoleOutcome;
import io.podium.core.TokenCallerCredentials;
import io.podium.core.broker.CachedCredentials;
import io.podium.core.broker.StsCallException;
import io.podium.core.pod.PodClaim;
import io.podium.imds.AuditLog;
import io.podium.imds.ImdsDocuments;
import io.podium.imds.LogContext;
import io.podium.imds.SourceRateLimiter;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/credentials}, as EKS Pod Identity's agent answers it: checks the request (decoded,
 * from an IP, the one path, GET, a {@code Host} the endpoint is bound to, the per-source rate),
 * verifies the service-account token in {@code Authorization}, asks the core for the credentials of
 * the token's pod at the caller's address, and writes the prepared document or a JSON error whose
 * status says what to do: 400 fix the request, 403 not for you, 404 no role, 429 slow down, 503 try
 * again. Nothing here ever reaches STS for a token that did not verify.
 */
@Sharable
final class CredentialsRouter extends SimpleChannelInboundHandler<FullHttpRequest> {

  private static final Logger log = LoggerFactory.getLogger(CredentialsRouter.class);

  /** The audit trail's route label for this endpoint. */
  static final String ROUTE = "container_credentials";

  private final TokenCallerCredentials<ImdsDocuments> callers;
  private final ServiceAccountTokenVerifier tokens;
  private final HostCheck hosts;
  private final SourceRateLimiter rateLimit;
  private final AuditLog audit;
  private final ContainerCredentialsMetrics metrics;
  private final Duration responseTimeout;

  /**
   * @param rateLimit {@code null} when the per-source rate limit is off
   */
  CredentialsRouter(
      TokenCallerCredentials<ImdsDocuments> callers,
      ServiceAccountTokenVerifier tokens,
      HostCheck hosts,
      SourceRateLimiter rateLimit,
      AuditLog audit,
      ContainerCredentialsMetrics metrics,
      Duration responseTimeout) {
    this.callers = callers;
    this.tokens = tokens;
    this.hosts = hosts;
    this.rateLimit = rateLimit;
    this.audit = audit;
    this.metrics = metrics;
    this.responseTimeout = responseTimeout;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    CredentialsExchange exchange = new CredentialsExchange(ctx, request, metrics, responseTimeout);
    try {
      route(exchange, request);
    } catch (RuntimeException e) {
      exchange.fail(e);
    }
  }

  private void route(CredentialsExchange exchange, FullHttpRequest request) {
    if (!exchange.isOpen()) {
      return;
    }
    if (!request.decoderResult().isSuccess()) {
      Throwable cause = request.decoderResult().cause();
      exchange.closeAfterResponse();
      if (cause instanceof TooLongHttpHeaderException) {
        exchange.refuse(
            Outcome.HEADER_TOO_LARGE, "the request's headers are too large", "headers too large");
      } else {
        exchange.refuse(
            Outcome.MALFORMED_REQUEST,
            "malformed HTTP request",
            "malformed HTTP request (" + cause.getClass().getSimpleName() + ")");
      }
      return;
    }
    if (request.protocolVersion().majorVersion() != 1) {
      exchange.closeAfterResponse();
      exchange.refuse(Outcome.MALFORMED_REQUEST, "HTTP/1.x only", "not HTTP/1.x");
      return;
    }
    if (exchange.caller() == null) {
      exchange.refuse(
          Outcome.WRONG_ADDRESS,
          "the connection has no IP address",
          "the connection has no IP peer address");
      return;
    }
    if (rateLimit != null && !admitted(exchange)) {
      return;
    }
    String target = exchange.target();
    if (!target.startsWith("/")
        || !new QueryStringDecoder(target).path().equals(ContainerCredentialsSettings.PATH)) {
      exchange.refuse(
          Outcome.NOT_FOUND,
          "no such path: the container-credentials endpoint answers "
              + ContainerCredentialsSettings.PATH,
          "unknown path");
      return;
    }
    if (!HttpMethod.GET.equals(exchange.method())) {
      FullHttpResponse response =
          CredentialsExchange.error(Outcome.METHOD_NOT_ALLOWED, "this path answers GET only");
      response.headers().set(HttpHeaderNames.ALLOW, "GET");
      exchange.refuse(Outcome.METHOD_NOT_ALLOWED, response, "not GET");
      return;
    }
    List<String> hostHeaders = exchange.headers().getAll(HttpHeaderNames.HOST);
    if (hostHeaders.size() != 1 || !hosts.accepts(hostHeaders.getFirst(), exchange.local())) {
      exchange.refuse(
          Outcome.WRONG_HOST,
          "called through an address this endpoint is not bound to: use the address of"
              + " AWS_CONTAINER_CREDENTIALS_FULL_URI",
          "Host "
              + (hostHeaders.isEmpty()
                  ? "missing"
                  : CredentialsExchange.forLog(String.join(", ", hostHeaders)))
              + " is not a bound address");
      return;
    }
    List<String> authorization = exchange.headers().getAll(HttpHeaderNames.AUTHORIZATION);
    if (authorization.isEmpty() || authorization.getFirst().isBlank()) {
      exchange.refuse(
          Outcome.MISSING_TOKEN,
          "no service-account token in the Authorization header (set"
              + " AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE to the pod's projected token)",
          "no Authorization header");
      return;
    }
    if (authorization.size() > 1) {
      exchange.refuse(
          Outcome.MALFORMED_TOKEN,
          "more than one Authorization header",
          "more than one Authorization header");
      return;
    }
    switch (tokens.verify(authorization.getFirst())) {
      case TokenVerdict.Malformed malformed ->
          exchange.refuse(Outcome.MALFORMED_TOKEN, malformed.reason(), malformed.reason());
      case TokenVerdict.Refused refused ->
          exchange.refuse(
              Outcome.TOKEN_REFUSED,
              "the service-account token was refused: " + refused.reason(),
              refused.reason());
      case TokenVerdict.NoKeys noKeys ->
          exchange.refuse(Outcome.KEYS_UNAVAILABLE, noKeys.reason(), noKeys.reason());
      case TokenVerdict.Valid valid -> answer(exchange, valid.claim());
    }
  }

  private boolean admitted(CredentialsExchange exchange) {
    SourceRateLimiter.Verdict verdict = rateLimit.tryAcquire(exchange.caller());
    if (verdict == SourceRateLimiter.Verdict.ALLOWED) {
      return true;
    }
    FullHttpResponse response =
        CredentialsExchange.error(
            Outcome.RATE_LIMITED, "too many requests from this address; slow down");
    response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
    exchange.refuse(
        Outcome.RATE_LIMITED,
        response,
        verdict == SourceRateLimiter.Verdict.FIRST_LIMITED
            ? "over the per-source rate; further refusals are not logged until it slows down"
            : null);
    return false;
  }

  private void answer(CredentialsExchange exchange, PodClaim claim) {
    exchange.await(
        callers.credentials(claim, exchange.caller()),
        (outcome, error) -> {
          if (error != null) {
            exchange.fail(error);
            return;
          }
          switch (outcome) {
            case CredentialOutcome.Issued<ImdsDocuments> issued ->
                serve(exchange, issued.permitted(), issued.credentials());
            case CredentialOutcome.NotIssued<ImdsDocuments> notIssued ->
                refuse(exchange, claim, notIssued.outcome());
            case CredentialOutcome.StsFailed<ImdsDocuments> failed ->
                stsFailed(exchange, failed.permitted(), failed.failure());
          }
        });
  }

  private void serve(
      CredentialsExchange exchange,
      RoleOutcome.Permitted permitted,
      CachedCredentials<ImdsDocuments> credentials) {
    exchange.issue(
        credentials.rendered().container(),
        written -> {
          if (written.isSuccess()) {
            audit.handedOut(permitted, credentials, ROUTE);
          }
        });
  }

  private static void refuse(CredentialsExchange exchange, PodClaim claim, RoleOutcome outcome) {
    switch (outcome) {
      case RoleOutcome.NoRole noRole ->
          exchange.refuse(
              Outcome.NO_ROLE,
              "pod "
                  + noRole.pod().qualifiedName()
                  + " has no IAM role: no iam.amazonaws.com/role annotation, no"
                  + " eks.amazonaws.com/role-arn on its service account, no default role",
              "pod " + noRole.pod().qualifiedName() + " has no role");
      case RoleOutcome.Refused refused -> {
        try (LogContext _ = LogContext.of(refused.pod())) {
          exchange.refuse(
              refusal(refused.kind()), refused.reason(), claim + ": " + refused.detail());
        }
      }
      case RoleOutcome.Unavailable unavailable ->
          exchange.refuse(
              Outcome.UNAVAILABLE, unavailable.reason(), claim + ": " + unavailable.detail());
      case RoleOutcome.Permitted permitted ->
          exchange.fail(new IllegalStateException("a permitted role reached the refusal path"));
    }
  }

  static Outcome refusal(RoleOutcome.Refusal kind) {
    return switch (kind) {
      case HOST_ADDRESS -> Outcome.HOST_ADDRESS;
      case INVALID_ANNOTATION -> Outcome.INVALID_ANNOTATION;
      case POLICY_DENIED -> Outcome.POLICY_DENIED;
      case WRONG_ADDRESS -> Outcome.WRONG_ADDRESS;
      case OTHER_NODE -> Outcome.OTHER_NODE;
      case POD_INELIGIBLE -> Outcome.POD_INELIGIBLE;
    };
  }

  private static void stsFailed(
      CredentialsExchange exchange, RoleOutcome.Permitted permitted, StsCallException failure) {
    // A denial is final (403); anything else may pass (503, which the SDKs retry).
    Outcome outcome = failure.retryable() ? Outcome.STS_UNAVAILABLE : Outcome.STS_DENIED;
    try (LogContext _ = LogContext.of(permitted.pod()).role(permitted.role())) {
      exchange.refuse(
          outcome,
          "AssumeRole of " + permitted.role() + " failed: " + failure.errorCode(),
          "STS answered "
              + failure.errorCode()
              + " ("
              + failure.getMessage()
              + ") for pod "
              + permitted.pod().qualifiedName());
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException || cause instanceof PrematureChannelClosureException) {
      log.debug(
          "Connection from {} failed: {}",
          CredentialsExchange.callerOf(ctx.channel()),
          cause.toString());
    } else {
      log.warn(
          "Closing the connection from {}", CredentialsExchange.callerOf(ctx.channel()), cause);
    }
    var _ = ctx.close();
  }
}
