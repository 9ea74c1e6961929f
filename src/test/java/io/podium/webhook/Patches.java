package io.podium.webhook;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.zjsonpatch.JsonPatch;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Applies a webhook's patch the way the API server does (RFC 6902, through fabric8's zjsonpatch),
 * to see the pod that results.
 */
final class Patches {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private Patches() {}

  /** The patch as the webhook sends it. */
  static String json(List<PatchOperation> patch) {
    return SERIALIZATION.asJson(patch);
  }

  static Pod apply(Pod pod, List<PatchOperation> patch) {
    return SERIALIZATION.unmarshal(applyToJson(SERIALIZATION.asJson(pod), patch), Pod.class);
  }

  /** Applies {@code patch} to a pod written as JSON, keeping every field as the API server does. */
  static String applyToJson(String podJson, List<PatchOperation> patch) {
    JsonNode patched = JsonPatch.apply(JSON.readTree(json(patch)), JSON.readTree(podJson));
    return JSON.writeValueAsString(patched);
  }

  static JsonNode tree(String json) {
    return JSON.readTree(json);
  }
}
