package io.podium.stsemulator;

import java.time.Instant;

/** How AssumeRoleWithWebIdentity reads the token it is given: verified, or only decoded. */
interface WebIdentityTokens {

  /**
   * The token's claims, if STS would accept it.
   *
   * @throws StsException with the error STS answers for this token
   */
  WebIdentityToken read(String token, Instant now);
}
