package io.podium.stsemulator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code Condition} block of a role's trust policy, as far as AssumeRoleWithWebIdentity needs
 * it: {@code StringEquals} and {@code StringLike} on the keys of an OIDC provider, {@code <issuer
 * without https://>:sub} and {@code :aud}. As in IAM: every operator and every key must hold; a key
 * with several values holds when any of them matches; keys are compared without regard to case,
 * values with it; a key the request does not carry never matches; {@code StringLike} knows {@code
 * *} (any run of characters) and {@code ?} (one character).
 *
 * @param byOperator operator → condition key → accepted values
 */
public record TrustConditions(Map<String, Map<String, List<String>>> byOperator) {

  /** The operators the emulator evaluates. */
  public static final Set<String> OPERATORS = Set.of("StringEquals", "StringLike");

  /** No conditions: every caller the rest of the trust settings admit. */
  public static final TrustConditions NONE = new TrustConditions(Map.of());

  public TrustConditions {
    Map<String, Map<String, List<String>>> copy = new LinkedHashMap<>();
    byOperator.forEach(
        (operator, keys) -> {
          if (!OPERATORS.contains(operator)) {
            throw new IllegalArgumentException(
                "condition operator '"
                    + operator
                    + "' is not supported (known: "
                    + OPERATORS
                    + ")");
          }
          Map<String, List<String>> lowerCaseKeys = new LinkedHashMap<>();
          keys.forEach(
              (key, values) -> {
                if (values.isEmpty()) {
                  throw new IllegalArgumentException("condition key '" + key + "' has no value");
                }
                lowerCaseKeys.put(key.toLowerCase(Locale.ROOT), List.copyOf(values));
              });
          copy.put(operator, Map.copyOf(lowerCaseKeys));
        });
    byOperator = Map.copyOf(copy);
  }

  /** Whether there is any condition. */
  public boolean isEmpty() {
    return byOperator.isEmpty();
  }

  /**
   * Whether the request's context satisfies every condition.
   *
   * @param context condition key (any case) → the request's value
   */
  boolean admit(Map<String, String> context) {
    Map<String, String> lowerCase = new LinkedHashMap<>();
    context.forEach((key, value) -> lowerCase.put(key.toLowerCase(Locale.ROOT), value));
    for (Map.Entry<String, Map<String, List<String>>> operator : byOperator.entrySet()) {
      for (Map.Entry<String, List<String>> condition : operator.getValue().entrySet()) {
        Optional<String> value = Optional.ofNullable(lowerCase.get(condition.getKey()));
        if (value.isEmpty() || !matchesAny(operator.getKey(), condition.getValue(), value.get())) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean matchesAny(String operator, List<String> accepted, String value) {
    for (String candidate : accepted) {
      boolean matches =
          switch (operator) {
            case "StringEquals" -> candidate.equals(value);
            case "StringLike" -> glob(candidate).matcher(value).matches();
            default -> false;
          };
      if (matches) {
        return true;
      }
    }
    return false;
  }

  private static Pattern glob(String pattern) {
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '*' || c == '?') {
        if (!literal.isEmpty()) {
          regex.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        regex.append(c == '*' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    if (!literal.isEmpty()) {
      regex.append(Pattern.quote(literal.toString()));
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }
}
