package io.podium.server;

import io.podium.core.PodProblems;
import io.podium.core.RoleOutcome;
import io.podium.core.broker.StsCallException;
import io.podium.core.pod.PodIdentity;
import io.podium.core.role.RoleArn;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Collects the problems reported about pods, as "pod: kind role/reason" lines. */
final class RecordingProblems implements PodProblems {

  final List<String> reported = new CopyOnWriteArrayList<>();

  @Override
  public void roleRefused(PodIdentity pod, RoleOutcome.Refused refused) {
    reported.add(pod.qualifiedName() + ": refused " + refused.reason());
  }

  @Override
  public void stsFailed(PodIdentity pod, RoleArn role, StsCallException failure) {
    reported.add(pod.qualifiedName() + ": sts " + role + " " + failure.errorCode());
  }
}
