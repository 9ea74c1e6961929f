package io.podium.core.pod;

/** A pod's lifecycle phase as Kubernetes reports it in {@code status.phase}. */
public enum PodPhase {
  PENDING,
  RUNNING,
  SUCCEEDED,
  FAILED,
  UNKNOWN;

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
