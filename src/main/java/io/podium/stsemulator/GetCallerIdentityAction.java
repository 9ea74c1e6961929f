package io.podium.stsemulator;

import java.util.Optional;

/** GetCallerIdentity: who signed the request. */
final class GetCallerIdentityAction implements StsAction {

  @Override
  public String name() {
    return "GetCallerIdentity";
  }

  @Override
  public boolean signed() {
    return true;
  }

  @Override
  public StsResult handle(StsRequest request, Optional<Caller> caller) {
    Caller signer = caller.orElseThrow(() -> new IllegalStateException("signed action unsigned"));
    return new StsResult.CallerIdentity(signer.userId(), signer.account(), signer.arn());
  }
}
