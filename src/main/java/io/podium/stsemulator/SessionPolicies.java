package io.podium.stsemulator;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Session policies and tags: the emulator accepts them without enforcing them, but checks that a
 * policy is a JSON object (MalformedPolicyDocument otherwise) and reports a PackedPolicySize, the
 * share of STS's packed allowance the policy and tags would use.
 */
final class SessionPolicies {

  /** Characters of policy and tags treated as a full allowance; an emulator's approximation. */
  private static final int PACKED_ALLOWANCE = 4096;

  private final JsonMapper json;

  SessionPolicies(JsonMapper json) {
    this.json = json;
  }

  /**
   * The PackedPolicySize percentage, present when a policy or tags were passed.
   *
   * @throws StsException MalformedPolicyDocument or PackedPolicyTooLarge
   */
  OptionalInt packedSize(Optional<String> policy, List<ParameterReader.Tag> tags) {
    if (policy.isEmpty() && tags.isEmpty()) {
      return OptionalInt.empty();
    }
    policy.ifPresent(this::requireJsonObject);
    int characters = policy.map(String::length).orElse(0);
    for (ParameterReader.Tag tag : tags) {
      characters += tag.key().length() + tag.value().length();
    }
    int percent = Math.max(1, (int) Math.ceil(100.0 * characters / PACKED_ALLOWANCE));
    if (percent > 100) {
      throw new StsException(
          new StsError(
              400,
              "PackedPolicyTooLarge",
              "Packed policy consumes "
                  + percent
                  + "% of allotted space, please use smaller policy for this request."));
    }
    return OptionalInt.of(percent);
  }

  private void requireJsonObject(String policy) {
    JsonNode document;
    try {
      document = json.readTree(policy);
    } catch (JacksonException e) {
      throw new StsException(
          StsErrors.malformedPolicyDocument("The policy is not in the valid JSON format."));
    }
    if (document == null || !document.isObject()) {
      throw new StsException(
          StsErrors.malformedPolicyDocument("The policy is not in the valid JSON format."));
    }
  }
}
