package io.podium.core.broker;

import io.podium.core.session.SessionRequest;

/** The port to STS: assumes a role for one session request. Blocking; callers own the threads. */
public interface CredentialIssuer {

  /**
   * Assumes {@code request.role()} with every input of the request.
   *
   * @throws StsCallException one of its precise subtypes, never a raw SDK exception
   */
  IssuedCredentials issue(SessionRequest request);
}
