package io.podium.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * The Kubernetes pod source cannot start: the API server refused, could not be reached, or did not
 * answer in time. The message says what to fix; the command prints it and exits.
 */
public final class PodSourceException extends RuntimeException {

  PodSourceException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The failure of listing {@code what}, translated by its HTTP status, never its text. */
  static PodSourceException translate(String what, Throwable failure) {
    int code = failure instanceof KubernetesClientException e ? e.getCode() : -1;
    String message =
        switch (code) {
          case 401 ->
              "the Kubernetes API server did not accept Podium's credentials (401) when listing "
                  + what
                  + "; check --kubeconfig or the service account token";
          case 403 ->
              "the Kubernetes API server forbids listing "
                  + what
                  + " (403): bind the podium ClusterRole of charts/podium or deploy/ (get, list and"
                  + " watch on pods, namespaces and serviceaccounts) to Podium's service account";
          case 404 -> "the Kubernetes API server has no API for " + what + " (404)";
          default ->
              "cannot list "
                  + what
                  + " from the Kubernetes API server: "
                  + (code > 0 ? "HTTP " + code + ", " : "")
                  + failure.getClass().getSimpleName()
                  + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
        };
    return new PodSourceException(message, failure);
  }
}
