package io.podium.stsemulator;

import io.podium.core.role.MalformedRoleException;
import io.podium.core.role.RoleArn;

/** Parses a RoleArn parameter that has passed the length checks. */
final class RoleArns {

  private RoleArns() {}

  /**
   * @throws StsException ValidationError saying what is wrong with the ARN
   */
  static RoleArn parse(String text) {
    try {
      return RoleArn.parse(text);
    } catch (MalformedRoleException e) {
      throw new StsException(StsError.validation("Invalid RoleArn: " + e.getMessage()));
    }
  }
}
