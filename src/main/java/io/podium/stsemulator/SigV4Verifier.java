package io.podium.stsemulator;

import io.podium.stsemulator.Authentication.Authenticated;
import io.podium.stsemulator.Authentication.Rejected;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Checks that a request was signed with SigV4 by credentials the emulator knows: its bootstrap user
 * or a session it issued and that has not expired. The checks run in the order that lets each
 * failure get the code AWS gives it: the claims' shape (IncompleteSignature), the key and its token
 * (InvalidClientTokenId, ExpiredToken), the signing time (SignatureDoesNotMatch "Signature
 * expired"), and last the signature itself, recomputed over the signed headers and the exact body
 * and compared in constant time (SignatureDoesNotMatch).
 */
final class SigV4Verifier {

  /** How far the signing time may be from the emulator's clock. */
  static final Duration ALLOWED_SKEW = Duration.ofMinutes(5);

  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final BootstrapCredentials bootstrap;
  private final Caller.User bootstrapUser;
  private final SessionStore sessions;
  private final Clock clock;

  SigV4Verifier(
      BootstrapCredentials bootstrap,
      Caller.User bootstrapUser,
      SessionStore sessions,
      Clock clock) {
    this.bootstrap = bootstrap;
    this.bootstrapUser = bootstrapUser;
    this.sessions = sessions;
    this.clock = clock;
  }

  Authentication verify(StsRequest request) {
    Optional<SigV4Authorization> claims;
    try {
      claims = SigV4Authorization.of(request);
    } catch (StsException e) {
      return new Rejected(e.error(), Optional.empty());
    }
    if (claims.isEmpty()) {
      return new Rejected(StsErrors.missingAuthenticationToken(), Optional.empty());
    }
    SigV4Authorization auth = claims.get();
    try {
      return new Authenticated(check(request, auth));
    } catch (StsException e) {
      return new Rejected(e.error(), Optional.of(auth.accessKeyId()));
    }
  }

  private Caller check(StsRequest request, SigV4Authorization auth) {
    if (!auth.terminator().equals(SigV4.TERMINATOR)) {
      throw new StsException(
          StsErrors.incompleteSignature(
              "Credential should be scoped with a valid terminator: 'aws4_request'."));
    }
    if (!auth.service().equals("sts")) {
      throw new StsException(
          StsErrors.signatureDoesNotMatch(
              "Credential should be scoped to correct service: 'sts'."));
    }
    Instant now = clock.instant();
    Signer signer = identify(auth, now);
    String amzDate = signingTime(auth);
    checkFreshness(auth, amzDate, now);
    if (!auth.date().equals(amzDate.substring(0, 8))) {
      throw new StsException(
          StsErrors.signatureDoesNotMatch(
              "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from"
                  + " HTTP: '"
                  + auth.date()
                  + "' != '"
                  + amzDate.substring(0, 8)
                  + "', from '"
                  + amzDate
                  + "'."));
    }
    if (!signatureMatches(request, auth, amzDate, signer.secretAccessKey())) {
      throw new StsException(StsErrors.signatureDoesNotMatch());
    }
    return signer.caller();
  }

  private Signer identify(SigV4Authorization auth, Instant now) {
    if (auth.accessKeyId().equals(bootstrap.accessKeyId())) {
      if (auth.securityToken().isPresent()) {
        throw new StsException(StsErrors.invalidClientTokenId());
      }
      return new Signer(bootstrapUser, bootstrap.secretAccessKey());
    }
    IssuedSession session =
        sessions
            .find(auth.accessKeyId())
            .orElseThrow(() -> new StsException(StsErrors.invalidClientTokenId()));
    byte[] presented = auth.securityToken().orElse("").getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(
        presented, session.sessionToken().getBytes(StandardCharsets.UTF_8))) {
      throw new StsException(StsErrors.invalidClientTokenId());
    }
    if (session.expiredAt(now)) {
      throw new StsException(StsErrors.expiredToken());
    }
    return new Signer(new Caller.Session(session), session.secretAccessKey());
  }

  private static String signingTime(SigV4Authorization auth) {
    String amzDate =
        auth.amzDate()
            .orElseThrow(
                () ->
                    new StsException(
                        StsErrors.incompleteSignature(
                            "Authorization header requires existence of either a 'X-Amz-Date' or"
                                + " a 'Date' header.")));
    try {
      AMZ_DATE.parse(amzDate);
    } catch (DateTimeParseException e) {
      throw new StsException(
          StsErrors.incompleteSignature(
              "X-Amz-Date must be in the ISO8601 basic format yyyyMMdd'T'HHmmss'Z'."));
    }
    return amzDate;
  }

  private static void checkFreshness(SigV4Authorization auth, String amzDate, Instant now) {
    Instant signedAt = Instant.from(AMZ_DATE.parse(amzDate));
    Instant earliest = now.minus(ALLOWED_SKEW);
    Instant latest = now.plus(ALLOWED_SKEW);
    if (auth.presigned()) {
      Instant validUntil = signedAt.plusSeconds(auth.expiresSeconds().getAsLong());
      if (now.isAfter(validUntil)) {
        throw new StsException(
            StsErrors.signatureDoesNotMatch(
                "Signature expired: "
                    + AMZ_DATE.format(validUntil)
                    + " is now earlier than "
                    + AMZ_DATE.format(now)
                    + " ("
                    + amzDate
                    + " + "
                    + auth.expiresSeconds().getAsLong()
                    + " s)."));
      }
    } else if (signedAt.isBefore(earliest)) {
      throw new StsException(
          StsErrors.signatureDoesNotMatch(
              "Signature expired: "
                  + amzDate
                  + " is now earlier than "
                  + AMZ_DATE.format(earliest)
                  + " ("
                  + AMZ_DATE.format(now)
                  + " - 5 min.)"));
    }
    if (signedAt.isAfter(latest)) {
      throw new StsException(
          StsErrors.signatureDoesNotMatch(
              "Signature not yet current: "
                  + amzDate
                  + " is still later than "
                  + AMZ_DATE.format(latest)
                  + " ("
                  + AMZ_DATE.format(now)
                  + " + 5 min.)"));
    }
  }

  /**
   * Header signing covers the SHA-256 of the body; presigned URLs are signed over {@code
   * UNSIGNED-PAYLOAD} by the SDKs, or over the (empty) body's hash by some older signers: both are
   * tried.
   */
  private static boolean signatureMatches(
      StsRequest request, SigV4Authorization auth, String amzDate, String secretAccessKey) {
    String bodyHash = SigV4.sha256Hex(request.body());
    if (auth.presigned()) {
      return matches(request, auth, amzDate, secretAccessKey, SigV4.UNSIGNED_PAYLOAD)
          || matches(request, auth, amzDate, secretAccessKey, bodyHash);
    }
    return matches(request, auth, amzDate, secretAccessKey, bodyHash);
  }

  private static boolean matches(
      StsRequest request,
      SigV4Authorization auth,
      String amzDate,
      String secretAccessKey,
      String payloadHash) {
    String canonicalRequest =
        SigV4.canonicalRequest(request, auth.signedHeaders(), payloadHash, auth.presigned());
    String expected =
        SigV4.signature(
            secretAccessKey,
            auth.date(),
            auth.region(),
            auth.service(),
            SigV4.stringToSign(amzDate, auth.scope(), canonicalRequest));
    return SigV4.sameSignature(expected, auth.signature());
  }

  /** The caller a key belongs to, and the secret it signs with. */
  private record Signer(Caller caller, String secretAccessKey) {
    @Override
    public String toString() {
      return "Signer[" + caller.arn() + "]";
    }
  }
}
