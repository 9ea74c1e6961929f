package io.podium.core.session;

import io.podium.core.pod.PodIdentity;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A template for session names ({@code --session-name-template}, default {@code
 * {namespace}@{pod}}), with the placeholders {@code {namespace}}, {@code {pod}}, {@code
 * {serviceaccount}}, {@code {node}} and {@code {uid}}. The result is sanitised for STS.
 *
 * <p>A template that starts with {@code {namespace}} and then one of {@value #SEPARATORS} is
 * <em>namespace-prefixed</em>: every name it renders starts with the pod's namespace and that
 * separator, which no namespace name can contain (namespaces are DNS labels). A trust condition
 * {@code sts:RoleSessionName} like {@code shop@*} then admits namespace {@code shop}'s pods and no
 * other namespace's, not even {@code shop-evil}'s; truncation to 64 characters keeps the prefix.
 */
public final class SessionNameTemplate {

  public static final String DEFAULT = "{namespace}@{pod}";

  /** Characters STS allows in a session name that a namespace name never holds. */
  public static final String SEPARATORS = "@=,+_.";

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

  /**
   * Whether every name rendered starts with the pod's namespace and a separator of {@value
   * #SEPARATORS}: {@code {namespace}} first, then a literal that begins with one.
   */
  public boolean namespacePrefixed() {
    return parts.size() >= 2
        && parts.get(0) instanceof Placeholder(String name)
        && name.equals("namespace")
        && parts.get(1) instanceof Literal(String text)
        && SEPARATORS.indexOf(text.charAt(0)) >= 0;
  }

  /** The sanitised session name for {@code pod}. */
  public String render(PodIdentity pod) {
    if (!namespacePrefixed()) {
      return SessionNames.sanitize(renderParts(pod, 0));
    }
    String prefix = prefix(pod);
    if (prefix == null) {
      return SessionNames.sanitize(renderParts(pod, 0));
    }
    // The separator has been taken into the prefix.
    String rest = ((Literal) parts.get(1)).text().substring(1) + renderParts(pod, 2);
    return SessionNames.withPrefix(prefix, rest);
  }

  /**
   * {@code chosen} (a pod's own session name) kept inside {@code pod}'s namespace prefix: {@code
   * shop@chosen} under the default template.
   *
   * @throws IllegalStateException when this template is not {@link #namespacePrefixed()}
   */
  public String renderWithin(PodIdentity pod, String chosen) {
    if (!namespacePrefixed()) {
      throw new IllegalStateException("template " + template + " has no namespace prefix");
    }
    String prefix = prefix(pod);
    return prefix == null
        ? SessionNames.sanitize(pod.namespace() + "@" + chosen)
        : SessionNames.withPrefix(prefix, chosen);
  }

  /**
   * The namespace and the separator, or {@code null} for a namespace too long to be a prefix
   * (Kubernetes keeps them to 63 characters; only a hand-written pods file has longer ones).
   * Characters a namespace cannot hold become {@code -}, so that the separator stays unique.
   */
  private @Nullable String prefix(PodIdentity pod) {
    String namespace = pod.namespace();
    if (namespace.length() + 1 > SessionNames.MAX_LENGTH) {
      return null;
    }
    StringBuilder prefix = new StringBuilder(namespace.length() + 1);
    for (int i = 0; i < namespace.length(); i++) {
      char c = namespace.charAt(i);
      boolean label = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      prefix.append(label || c == '-' ? c : '-');
    }
    return prefix.append(((Literal) parts.get(1)).text().charAt(0)).toString();
  }

  private String renderParts(PodIdentity pod, int from) {
    StringBuilder out = new StringBuilder();
    for (Part part : parts.subList(from, parts.size())) {
      switch (part) {
        case Literal literal -> out.append(literal.text());
        case Placeholder placeholder -> out.append(value(placeholder.name(), pod));
      }
    }
    return out.toString();
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
