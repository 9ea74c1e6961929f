package io.podium.webhook;

/** AdmissionReview bodies as the API server sends them, for the codec, handler and IT tests. */
final class AdmissionReviews {

  static final String UID = "918ef1dc-928f-4525-99ef-988389f263c3";

  private AdmissionReviews() {}

  /** A review of {@code apiVersion} asking to create {@code podJson} in {@code namespace}. */
  static String create(String apiVersion, String namespace, String podJson) {
    return """
        {"apiVersion":"%s","kind":"AdmissionReview",
         "request":{"uid":"%s",
           "kind":{"group":"","version":"v1","kind":"Pod"},
           "resource":{"group":"","version":"v1","resource":"pods"},
           "namespace":"%s","operation":"CREATE",
           "userInfo":{"username":"system:serviceaccount:kube-system:replicaset-controller"},
           "object":%s,"oldObject":null,"dryRun":false}}
        """
        .formatted(apiVersion, UID, namespace, podJson);
  }

  /** A pod as a ReplicaSet creates it: a generateName, no name yet, one container. */
  static String pod(String serviceAccount) {
    return """
        {"apiVersion":"v1","kind":"Pod",
         "metadata":{"generateName":"web-7d9f8c-","labels":{"app":"web"}},
         "spec":{"serviceAccountName":"%s",
           "containers":[{"name":"app","image":"amazonlinux","resources":{}}]}}
        """
        .formatted(serviceAccount);
  }
}
