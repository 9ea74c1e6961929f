package io.podium.webhook;

import io.fabric8.kubernetes.api.model.GroupVersionKind;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads AdmissionReviews ({@code admission.k8s.io/v1} and {@code v1beta1}, which share one shape)
 * and writes their answers, with fabric8's model and serialization. An answer carries the version
 * of its question, as the API server requires.
 */
final class AdmissionCodec {

  static final String V1 = "admission.k8s.io/v1";
  static final String V1BETA1 = "admission.k8s.io/v1beta1";
  static final Set<String> API_VERSIONS = Set.of(V1, V1BETA1);

  /** The API server shows at most this much of a warning; longer ones are cut here, not there. */
  static final int MAX_WARNING = 512;

  private static final int MAX_QUOTED = 64;

  /**
   * One question: which review to answer, and the pod to decide for, if it is a pod being created.
   *
   * @param pod empty when the request is not for a pod's creation ({@code ignored} says what it is)
   */
  record Admission(
      String apiVersion,
      String uid,
      String namespace,
      boolean dryRun,
      Optional<Pod> pod,
      @Nullable String ignored) {}

  private final KubernetesSerialization serialization;

  AdmissionCodec(KubernetesSerialization serialization) {
    this.serialization = serialization;
  }

  /**
   * Reads one request body.
   *
   * @throws BadAdmissionException when it is not JSON, not an AdmissionReview of a known version,
   *     has no request or uid, or its object cannot be read as a pod
   */
  Admission read(byte[] body) {
    AdmissionReview review;
    try {
      review = serialization.unmarshal(new ByteArrayInputStream(body), AdmissionReview.class);
    } catch (RuntimeException e) {
      throw new BadAdmissionException("the body is not an AdmissionReview in JSON: " + cause(e), e);
    }
    if (review == null) {
      throw new BadAdmissionException("the body is empty: expected an AdmissionReview");
    }
    if (!"AdmissionReview".equals(review.getKind())
        || !API_VERSIONS.contains(review.getApiVersion())) {
      throw new BadAdmissionException(
          "expected kind AdmissionReview of apiVersion "
              + V1
              + " or "
              + V1BETA1
              + ", got kind '"
              + quote(review.getKind())
              + "' of apiVersion '"
              + quote(review.getApiVersion())
              + "'");
    }
    AdmissionRequest request = review.getRequest();
    if (request == null) {
      throw new BadAdmissionException("the AdmissionReview has no request");
    }
    if (request.getUid() == null || request.getUid().isBlank()) {
      throw new BadAdmissionException("the AdmissionReview's request has no uid");
    }
    String apiVersion = review.getApiVersion();
    String namespace = blankToNull(request.getNamespace());
    boolean dryRun = Boolean.TRUE.equals(request.getDryRun());
    String ignored = ignoredBecause(request);
    if (ignored != null) {
      return new Admission(
          apiVersion, request.getUid(), orDefault(namespace), dryRun, Optional.empty(), ignored);
    }
    Pod pod;
    try {
      pod = serialization.convertValue(request.getObject(), Pod.class);
    } catch (RuntimeException e) {
      throw new BadAdmissionException("the request's object is not a Pod: " + cause(e), e);
    }
    if (pod == null) {
      throw new BadAdmissionException("the request creates a Pod but carries no object");
    }
    if (namespace == null && pod.getMetadata() != null) {
      namespace = blankToNull(pod.getMetadata().getNamespace());
    }
    return new Admission(
        apiVersion, request.getUid(), orDefault(namespace), dryRun, Optional.of(pod), null);
  }

  /** The answer to {@code admission}: always allowed, with the mutation's patch and warnings. */
  byte[] answer(Admission admission, Mutation mutation) {
    AdmissionResponse response = new AdmissionResponse();
    response.setUid(admission.uid());
    response.setAllowed(true);
    if (!mutation.patch().isEmpty()) {
      byte[] patch = serialization.asJson(mutation.patch()).getBytes(StandardCharsets.UTF_8);
      response.setPatch(Base64.getEncoder().encodeToString(patch));
      response.setPatchType("JSONPatch");
    }
    if (!mutation.warnings().isEmpty()) {
      List<String> warnings = new ArrayList<>();
      for (String warning : mutation.warnings()) {
        warnings.add(
            warning.length() <= MAX_WARNING
                ? warning
                : warning.substring(0, MAX_WARNING - 1) + "…");
      }
      response.setWarnings(warnings);
    }
    AdmissionReview review = new AdmissionReview();
    review.setApiVersion(admission.apiVersion());
    review.setKind("AdmissionReview");
    review.setResponse(response);
    return serialization.asJson(review).getBytes(StandardCharsets.UTF_8);
  }

  /** Why a well-formed request is not one to mutate, or {@code null} when it is. */
  private static @Nullable String ignoredBecause(AdmissionRequest request) {
    GroupVersionKind kind = request.getKind();
    boolean pod =
        kind != null
            && "Pod".equals(kind.getKind())
            && (kind.getGroup() == null || kind.getGroup().isEmpty());
    if (!pod) {
      return "the request is for a "
          + (kind == null ? "(no kind)" : quote(kind.getKind()))
          + ", not a Pod";
    }
    if (request.getSubResource() != null && !request.getSubResource().isEmpty()) {
      return "the request is for the pod's " + quote(request.getSubResource()) + " subresource";
    }
    if (!"CREATE".equals(request.getOperation())) {
      return "the request is a " + quote(request.getOperation()) + ", not a CREATE";
    }
    return null;
  }

  private static String cause(RuntimeException e) {
    Throwable root = e;
    // Bounded, as a chain of causes may loop back on itself (initCause only refuses itself).
    for (int depth = 0; depth < 32 && root.getCause() != null; depth++) {
      root = root.getCause();
    }
    String message =
        root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    // Parsers quote the input back; a hostile body must not flood the log.
    String firstLine = message.lines().findFirst().orElse("");
    return firstLine.length() <= 200 ? firstLine : firstLine.substring(0, 200) + "…";
  }

  private static String quote(@Nullable String value) {
    if (value == null) {
      return "";
    }
    return value.length() <= MAX_QUOTED ? value : value.substring(0, MAX_QUOTED) + "…";
  }

  private static @Nullable String blankToNull(@Nullable String value) {
    return value == null || value.isBlank() ? null : value;
  }

  private static String orDefault(@Nullable String namespace) {
    return namespace == null ? "default" : namespace;
  }
}
