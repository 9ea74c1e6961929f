package io.podium.stsemulator;

import java.util.Optional;

/** One STS action, e.g. AssumeRole: its parameters in, its result out. */
interface StsAction {

  /** The {@code Action} parameter value this handles. */
  String name();

  /** Whether requests must be SigV4-signed by known credentials. */
  boolean signed();

  /**
   * Handles a request.
   *
   * @param caller the verified signer; present exactly when {@link #signed()}
   * @throws StsException with the error to answer
   */
  StsResult handle(StsRequest request, Optional<Caller> caller);
}
