package io.podium.stsemulator;

/** The fixed-wording errors of authentication and of the actions, as real STS words them. */
final class StsErrors {

  private StsErrors() {}

  static StsError missingAuthenticationToken() {
    return new StsError(
        403, "MissingAuthenticationToken", "Request is missing Authentication Token");
  }

  static StsError incompleteSignature(String message) {
    return new StsError(400, "IncompleteSignature", message);
  }

  static StsError invalidClientTokenId() {
    return new StsError(
        403, "InvalidClientTokenId", "The security token included in the request is invalid.");
  }

  static StsError expiredToken() {
    return new StsError(
        403, "ExpiredToken", "The security token included in the request is expired");
  }

  static StsError signatureDoesNotMatch() {
    return signatureDoesNotMatch(
        "The request signature we calculated does not match the signature you provided. Check"
            + " your AWS Secret Access Key and signing method. Consult the service documentation"
            + " for details.");
  }

  static StsError signatureDoesNotMatch(String message) {
    return new StsError(403, "SignatureDoesNotMatch", message);
  }

  static StsError invalidAction(String message) {
    return new StsError(400, "InvalidAction", message);
  }

  static StsError missingAction() {
    return new StsError(400, "MissingAction", "Missing Action");
  }

  static StsError methodNotAllowed(String method) {
    return new StsError(
        405, "MethodNotAllowed", "The HTTP method " + method + " is not allowed; use POST or GET.");
  }

  static StsError invalidIdentityToken(String message) {
    return new StsError(400, "InvalidIdentityToken", message);
  }

  static StsError idpRejectedClaim(String message) {
    return new StsError(403, "IDPRejectedClaim", message);
  }

  static StsError expiredTokenException(String message) {
    return new StsError(400, "ExpiredTokenException", message);
  }

  static StsError malformedPolicyDocument(String message) {
    return new StsError(400, "MalformedPolicyDocument", message);
  }
}
