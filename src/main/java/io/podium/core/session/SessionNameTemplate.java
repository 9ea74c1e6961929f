package io.podium.core.session;

import io.podium.core.pod.PodIdentity;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A template for session names ({@code --session-name-template}, default {@code
 * {namespace}-{pod}}), with the placeholders {@code {namespace}}, {@code {pod}}, {@code
 * {serviceaccount}}, {@code {node}} and {@code {uid}}. The result is sanitised for STS.
 */
public final class SessionNameTemplate {

  public static final String DEFAULT = "{namespace}-{pod}";
  static final Set<String> PLACEHOLDERS =
      Set.of("namespace", "pod", "serviceaccount", "node", "uid");

  private sealed interface Part {}

  private record Literal(String text) implements Part {}

  private record Placeholder(String name) implements Part {}

  private final String template;
  private final List<Part> parts;

  private SessionNameTemplate(String template, List<Part> parts) {
    this.template = template;
    this.parts = List.copyOf(parts);
  }

  /**
   * Parses a template.
   *
   * @throws IllegalArgumentException naming the unknown placeholder or the unclosed brace
   */
  public static SessionNameTemplate parse(String template) {
    if (template == null || template.isBlank()) {
      throw new IllegalArgumentException("session name template is empty");
    }
    List<Part> parts = new ArrayList<>();
    int i = 0;
    while (i < template.length()) {
      int open = template.indexOf('{', i);
      if (open < 0) {
        parts.add(new Literal(template.substring(i)));
        break;
      }
      if (open > i) {
        parts.add(new Literal(template.substring(i, open)));
      }
      int close = template.indexOf('}', open);
      if (close < 0) {
        throw new IllegalArgumentException(
            "session name template '" + template + "' has an unclosed '{'");
      }
      String name = template.substring(open + 1, close);
      if (!PLACEHOLDERS.contains(name)) {
        throw new IllegalArgumentException(
            "session name template '"
                + template
                + "' uses unknown placeholder {"
                + name
                + "}; known: {namespace} {pod} {serviceaccount} {node} {uid}");
      }
      parts.add(new Placeholder(name));
      i = close + 1;
    }
    return new SessionNameTemplate(template, parts);
  }

  /** The sanitised session name for {@code pod}. */
  public String render(PodIdentity pod) {
    StringBuilder out = new StringBuilder();
    for (Part part : parts) {
      switch (part) {
        case Literal literal -> out.append(literal.text());
        case Placeholder placeholder -> out.append(value(placeholder.name(), pod));
      }
    }
    return SessionNames.sanitize(out.toString());
  }

  private static String value(String placeholder, PodIdentity pod) {
    return switch (placeholder) {
      case "namespace" -> pod.namespace();
      case "pod" -> pod.name();
      case "serviceaccount" -> pod.serviceAccount();
      case "node" -> pod.nodeName() == null ? "" : pod.nodeName();
      case "uid" -> pod.uid();
      default -> throw new IllegalStateException("placeholder checked at parse: " + placeholder);
    };
  }

  @Override
  public String toString() {
    return template;
  }
}
