package io.podium.stsemulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads one request's query-protocol parameters and collects every constraint they break, so that a
 * bad request gets one ValidationError listing all problems in AWS's wording ({@code 2 validation
 * errors detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: …}).
 */
final class ParameterReader {

  /** Letters, digits and {@code +=,.@-}: session names and source identities. */
  static final Pattern NAME_CHARACTERS = Pattern.compile("[\\w+=,.@-]*");

  /** ExternalId's characters. */
  static final Pattern EXTERNAL_ID_CHARACTERS = Pattern.compile("[\\w+=,.@:/-]*");

  /** Tag keys and values: letters, digits, spaces and {@code _.:/=+-@}. */
  static final Pattern TAG_CHARACTERS = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");

  /** Session policies: tab, line feeds and the printable Latin-1 range. */
  static final Pattern POLICY_CHARACTERS =
      Pattern.compile("[\\u0009\\u000A\\u000D\\u0020-\\u00FF]*");

  private static final int MAX_MEMBER_INDEX = 1000;
  private static final int MAX_ECHOED_LENGTH = 128;

  private final Map<String, String> parameters;
  private final List<String> problems = new ArrayList<>();

  ParameterReader(Map<String, String> parameters) {
    this.parameters = parameters;
  }

  /** A required text parameter; empty text (and a recorded problem) when it is missing or bad. */
  String required(String name, String member, Constraint constraint) {
    String value = parameters.get(name);
    if (value == null) {
      problems.add(
          "Value null at '" + member + "' failed to satisfy constraint: Member must not be null");
      return "";
    }
    check(value, member, constraint);
    return value;
  }

  /** An optional text parameter. */
  Optional<String> optional(String name, String member, Constraint constraint) {
    String value = parameters.get(name);
    if (value == null) {
      return Optional.empty();
    }
    check(value, member, constraint);
    return Optional.of(value);
  }

  /** An optional whole number from {@code min} to {@code max}. */
  OptionalInt integer(String name, String member, int min, int max) {
    String value = parameters.get(name);
    if (value == null) {
      return OptionalInt.empty();
    }
    long number;
    try {
      number = Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      problems.add(prefix(value, member) + "Member must be a whole number");
      return OptionalInt.empty();
    }
    if (number < min) {
      problems.add(
          prefix(value, member) + "Member must have value greater than or equal to " + min);
      return OptionalInt.empty();
    }
    if (number > max) {
      problems.add(prefix(value, member) + "Member must have value less than or equal to " + max);
      return OptionalInt.empty();
    }
    return OptionalInt.of((int) number);
  }

  /** {@code Tags.member.N.Key} and {@code .Value}, at most {@code maxCount} of them. */
  List<Tag> tags(int maxCount) {
    Map<Integer, String[]> byIndex = new TreeMap<>();
    for (Map.Entry<String, String> parameter : parameters.entrySet()) {
      String name = parameter.getKey();
      if (!name.startsWith("Tags.member.")) {
        continue;
      }
      String[] parts = name.split("\\.");
      OptionalInt index = parts.length == 4 ? memberIndex(parts[2]) : OptionalInt.empty();
      if (index.isEmpty() || !(parts[3].equals("Key") || parts[3].equals("Value"))) {
        problems.add("Parameter '" + abbreviate(name) + "' is not a valid tag parameter");
        continue;
      }
      String[] pair = byIndex.computeIfAbsent(index.getAsInt(), i -> new String[2]);
      pair[parts[3].equals("Key") ? 0 : 1] = parameter.getValue();
    }
    if (byIndex.size() > maxCount) {
      problems.add(
          "Value at 'tags' failed to satisfy constraint: Member must have length less than or equal"
              + " to "
              + maxCount);
      return List.of();
    }
    List<Tag> tags = new ArrayList<>();
    for (Map.Entry<Integer, String[]> entry : byIndex.entrySet()) {
      String member = "tags." + entry.getKey() + ".member.";
      String key = entry.getValue()[0];
      String value = entry.getValue()[1] == null ? "" : entry.getValue()[1];
      if (key == null) {
        problems.add(
            "Value null at '"
                + member
                + "key' failed to satisfy constraint: Member must not be null");
        continue;
      }
      check(key, member + "key", new Constraint(1, 128, TAG_CHARACTERS));
      check(value, member + "value", new Constraint(0, 256, TAG_CHARACTERS));
      tags.add(new Tag(key, value));
    }
    long distinctKeys =
        tags.stream().map(tag -> tag.key().toLowerCase(Locale.ROOT)).distinct().count();
    if (distinctKeys < tags.size()) {
      problems.add("Duplicate tag keys found. Please note that Tag keys are case insensitive.");
    }
    return List.copyOf(tags);
  }

  /** A {@code Name.member.N} list of text values, at most {@code maxCount} long. */
  List<String> list(String name, String member, int maxCount, Constraint constraint) {
    Map<Integer, String> byIndex = new TreeMap<>();
    String prefix = name + ".member.";
    for (Map.Entry<String, String> parameter : parameters.entrySet()) {
      if (parameter.getKey().startsWith(prefix)) {
        OptionalInt index = memberIndex(parameter.getKey().substring(prefix.length()));
        if (index.isEmpty()) {
          problems.add("Parameter '" + abbreviate(parameter.getKey()) + "' has no valid index");
          continue;
        }
        byIndex.put(index.getAsInt(), parameter.getValue());
      }
    }
    if (byIndex.size() > maxCount) {
      problems.add(
          "Value at '"
              + member
              + "' failed to satisfy constraint: Member must have length less than or equal to "
              + maxCount);
      return List.of();
    }
    byIndex.forEach((index, value) -> check(value, member + "." + index + ".member", constraint));
    return List.copyOf(byIndex.values());
  }

  /**
   * Ends reading.
   *
   * @throws StsException a ValidationError listing every problem found
   */
  void finish() {
    if (problems.isEmpty()) {
      return;
    }
    String count =
        problems.size() == 1
            ? "1 validation error detected: "
            : problems.size() + " validation errors detected: ";
    throw new StsException(StsError.validation(count + String.join("; ", problems)));
  }

  private void check(String value, String member, Constraint constraint) {
    if (value.length() < constraint.minLength()) {
      problems.add(
          prefix(value, member, constraint)
              + "Member must have length greater than or equal to "
              + constraint.minLength());
    } else if (value.length() > constraint.maxLength()) {
      problems.add(
          prefix(value, member, constraint)
              + "Member must have length less than or equal to "
              + constraint.maxLength());
    } else if (constraint.pattern() != null && !constraint.pattern().matcher(value).matches()) {
      problems.add(
          prefix(value, member, constraint)
              + "Member must satisfy regular expression pattern: "
              + constraint.pattern().pattern());
    }
  }

  private static String prefix(String value, String member, Constraint constraint) {
    return constraint.secret()
        ? "Value at '" + member + "' failed to satisfy constraint: "
        : prefix(value, member);
  }

  private static String prefix(String value, String member) {
    return "Value '" + abbreviate(value) + "' at '" + member + "' failed to satisfy constraint: ";
  }

  private static OptionalInt memberIndex(String text) {
    if (text.isEmpty() || text.length() > 4 || !text.chars().allMatch(Character::isDigit)) {
      return OptionalInt.empty();
    }
    int index = Integer.parseInt(text);
    return index >= 1 && index <= MAX_MEMBER_INDEX ? OptionalInt.of(index) : OptionalInt.empty();
  }

  private static String abbreviate(String value) {
    return value.length() <= MAX_ECHOED_LENGTH
        ? value
        : value.substring(0, MAX_ECHOED_LENGTH) + "…";
  }

  /** Length bounds and an optional pattern; a {@code secret} value is never echoed in messages. */
  record Constraint(int minLength, int maxLength, @Nullable Pattern pattern, boolean secret) {
    Constraint(int minLength, int maxLength, @Nullable Pattern pattern) {
      this(minLength, maxLength, pattern, false);
    }

    Constraint secretValue() {
      return new Constraint(minLength, maxLength, pattern, true);
    }
  }

  /** A session tag. */
  record Tag(String key, String value) {}
}
