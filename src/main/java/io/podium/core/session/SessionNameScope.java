package io.podium.core.session;

/** Whether session names are kept inside their pod's namespace prefix. */
public enum SessionNameScope {
  /**
   * Every session name starts with the pod's namespace and a separator no namespace contains; a pod
   * chooses its own name only where its namespace allows it, and within that prefix.
   */
  NAMESPACE,
  /**
   * Any template, and a pod's {@code iam.amazonaws.com/session-name} taken verbatim in every
   * namespace ({@code --unscoped-session-names}): trust policies can then not rely on session
   * names. For migrations only.
   */
  UNSCOPED
}
