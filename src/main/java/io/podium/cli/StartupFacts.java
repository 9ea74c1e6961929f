package io.podium.cli;

import io.podium.aws.StsSettings;

/**
 * The part of a start-up line that says what a process read and as whom it calls AWS: where its
 * pods come from and how many it knows, the region and STS endpoint, and Podium's own identity.
 */
final class StartupFacts {

  private StartupFacts() {}

  /**
   * {@code pods from examples/dev-pods.yaml (3 pods), STS https://sts.eu-west-1.amazonaws.com
   * (region eu-west-1) as arn:aws:sts::…}.
   */
  static String of(String podsFrom, int podCount, StsSettings sts, AwsIdentity identity) {
    identity.askAtStart();
    return "pods from "
        + podsFrom
        + " ("
        + podCount
        + (podCount == 1 ? " pod" : " pods")
        + "), STS "
        + sts.endpoint()
        + " (region "
        + sts.region().id()
        + ") "
        + identity.describe();
  }
}
