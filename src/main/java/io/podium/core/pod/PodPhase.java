package io.podium.core.pod;

/**
 * A pod's lifecycle phase as Kubernetes reports it in {@code status.phase}, and one phase Podium
 * derives from the rest of the status: {@link #STOPPED}.
 */
public enum PodPhase {
  PENDING,
  RUNNING,
  SUCCEEDED,
  FAILED,
  UNKNOWN,
  /**
   * Terminating, and no container of the pod runs any more, although {@code status.phase} still
   * says Pending or Running: the kubelet tears down the pod's sandbox, and with it frees the pod's
   * IP for the CNI to hand to a new pod, before it reports a final phase or the pod is deleted. No
   * caller at the IP can be this pod now.
   */
  STOPPED;

  /** Maps the API's spelling ("Running"); anything unrecognised is {@link #UNKNOWN}. */
  public static PodPhase fromApi(String phase) {
    if (phase == null) {
      return UNKNOWN;
    }
    return switch (phase) {
      case "Pending" -> PENDING;
      case "Running" -> RUNNING;
      case "Succeeded" -> SUCCEEDED;
      case "Failed" -> FAILED;
      default -> UNKNOWN;
    };
  }
}
