package io.podium.server;

/**
 * Removes a node's start-up taint ({@code --ready-taint}), the one thing a server does on a node:
 * the port {@link NodeReports} uses, implemented on the Kubernetes API by the composition root.
 */
public interface StartupTaint {

  /** What a removal found. */
  enum Removal {
    /** The taint was there and is gone now. */
    REMOVED,
    /** The node has no such taint. */
    ABSENT,
    /** There is no node of that name. */
    NO_SUCH_NODE
  }

  /**
   * Removes the taint from {@code node}.
   *
   * @throws Failed when the API server refuses or fails
   */
  Removal removeFrom(String node);

  /** The API server refused or failed the removal; the message says how. */
  final class Failed extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public Failed(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
