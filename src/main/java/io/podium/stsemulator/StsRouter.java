package io.podium.stsemulator;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one request into one reply: counts it, applies injected faults, finds the action, checks
 * the signature where the action needs one, and renders the result or the error. Errors are
 * translated to XML here, once, and logged here, one line each, with the access key id but never a
 * secret or a token.
 */
final class StsRouter {

  static final String VERSION = "2011-06-15";

  private static final Logger log = LoggerFactory.getLogger(StsRouter.class);

  private final Map<String, StsAction> actions;
  private final SigV4Verifier verifier;
  private final StsFaults faults;
  private final StsStats stats;
  private final StsXml xml;
  private final StsIds ids;

  StsRouter(
      List<StsAction> actions,
      SigV4Verifier verifier,
      StsFaults faults,
      StsStats stats,
      StsXml xml,
      StsIds ids) {
    this.actions =
        actions.stream()
            .collect(Collectors.toUnmodifiableMap(StsAction::name, Function.identity()));
    this.verifier = verifier;
    this.faults = faults;
    this.stats = stats;
    this.xml = xml;
    this.ids = ids;
  }

  StsReply handle(StsRequest request) {
    String requestId = ids.requestId();
    Duration delay = faults.nextDelay();
    Optional<String> actionName = request.parameter("Action");
    StsAction action = actionName.map(actions::get).orElse(null);
    stats.recordCall(action == null ? StsStats.UNKNOWN_ACTION : action.name());
    request.parameter("RoleSessionName").ifPresent(name -> stats.recordDelay(name, delay));
    String label = action == null ? abbreviate(actionName.orElse("(none)")) : action.name();
    try {
      if (!request.method().equals("POST") && !request.method().equals("GET")) {
        return error(
            StsErrors.methodNotAllowed(abbreviate(request.method())),
            label,
            requestId,
            Optional.empty(),
            delay);
      }
      Optional<StsError> injected = faults.nextError(request.parameter("RoleArn"));
      if (injected.isPresent()) {
        log.info(
            "STS {} answered with injected fault {} (request {})",
            label,
            injected.get().code(),
            requestId);
        stats.recordError(injected.get().code());
        return reply(injected.get(), requestId, delay);
      }
      if (action == null) {
        StsError unknown =
            actionName.isEmpty()
                ? StsErrors.missingAction()
                : StsErrors.invalidAction(
                    "Could not find operation " + label + " for version " + VERSION);
        return error(unknown, label, requestId, Optional.empty(), delay);
      }
      Optional<String> version = request.parameter("Version");
      if (version.isPresent() && !version.get().equals(VERSION)) {
        return error(
            StsErrors.invalidAction(
                "Could not find operation " + label + " for version " + abbreviate(version.get())),
            label,
            requestId,
            Optional.empty(),
            delay);
      }
      Optional<Caller> caller = Optional.empty();
      if (action.signed()) {
        switch (verifier.verify(request)) {
          case Authentication.Authenticated authenticated ->
              caller = Optional.of(authenticated.caller());
          case Authentication.Rejected rejected -> {
            return error(rejected.error(), label, requestId, rejected.accessKeyId(), delay);
          }
        }
      }
      try {
        StsResult result = action.handle(request, caller);
        return new StsReply(200, xml.result(result, requestId), requestId, delay);
      } catch (StsException e) {
        return error(e.error(), label, requestId, caller.map(Caller::arn), delay);
      }
    } catch (RuntimeException e) {
      log.error("STS {} failed unexpectedly (request {})", label, requestId, e);
      stats.recordError(StsError.internalFailure().code());
      return reply(StsError.internalFailure(), requestId, delay);
    }
  }

  /** The reply to a request that could not even be decoded. */
  StsReply malformed(String reason) {
    String requestId = ids.requestId();
    StsError error = new StsError(400, "MalformedQueryString", reason);
    return error(error, "(malformed)", requestId, Optional.empty(), Duration.ZERO);
  }

  private StsReply error(
      StsError error, String action, String requestId, Optional<String> principal, Duration delay) {
    stats.recordError(error.code());
    if (error.status() >= 500) {
      log.warn(
          "STS {} failed with {} {}: {} (request {}, caller {})",
          action,
          error.status(),
          error.code(),
          error.message(),
          requestId,
          principal.orElse("-"));
    } else {
      log.info(
          "STS {} refused with {} {}: {} (request {}, caller {})",
          action,
          error.status(),
          error.code(),
          error.message(),
          requestId,
          principal.orElse("-"));
    }
    return reply(error, requestId, delay);
  }

  private StsReply reply(StsError error, String requestId, Duration delay) {
    return new StsReply(error.status(), xml.error(error, requestId), requestId, delay);
  }

  private static String abbreviate(String value) {
    String printable = value.replaceAll("[^\\x20-\\x7E]", "?");
    return printable.length() <= 64 ? printable : printable.substring(0, 64) + "…";
  }
}
