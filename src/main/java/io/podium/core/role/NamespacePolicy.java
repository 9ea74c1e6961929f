package io.podium.core.role;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One namespace's rules on which roles its pods may assume (and whether they may choose their own
 * session names), compiled once when the namespace is seen or changes, not per request. Problems
 * with the annotations are kept, not thrown: a namespace with a broken annotation permits nothing
 * through it, and the problem is reported in every denial so that the owner learns what to fix.
 */
public final class NamespacePolicy {

  public static final String PERMITTED_ANNOTATION = "iam.amazonaws.com/permitted";

  /**
   * {@code "true"} on a namespace lets its pods choose their session names with {@code
   * iam.amazonaws.com/session-name} (kept inside the namespace's prefix); without it the annotation
   * is ignored.
   */
  public static final String POD_SESSION_NAMES_ANNOTATION = "podium.io/allow-pod-session-names";

  private final String namespace;
  private final List<RoleMatcher> matchers;
  private final List<String> problems;
  private final boolean annotated;
  private final boolean podSessionNames;
  // Safe to remember: a policy is immutable, and replaced when the namespace changes.
  private final Map<RoleArn, Optional<String>> decided = new ConcurrentHashMap<>();
  private static final int MAX_REMEMBERED_ROLES = 1024;

  private NamespacePolicy(
      String namespace,
      List<RoleMatcher> matchers,
      List<String> problems,
      boolean annotated,
      boolean podSessionNames) {
    this.namespace = namespace;
    this.matchers = List.copyOf(matchers);
    this.problems = List.copyOf(problems);
    this.annotated = annotated;
    this.podSessionNames = podSessionNames;
  }

  /** A namespace's role annotations, its pods not choosing their session names. */
  public static NamespacePolicy compile(
      String namespace,
      String permittedRegex,
      AllowedRoles allowedRoles,
      Optional<RoleBaseArn> base) {
    return compile(namespace, permittedRegex, allowedRoles, false, base);
  }

  /**
   * Compiles a namespace's annotations.
   *
   * @param permittedRegex the {@code iam.amazonaws.com/permitted} value, or {@code null}
   * @param allowedRoles the {@code iam.amazonaws.com/allowed-roles} value as the adapter read it
   * @param podSessionNames whether {@value #POD_SESSION_NAMES_ANNOTATION} is {@code "true"}
   * @param base {@code --role-base-arn}, which decides what bare role names mean
   */
  public static NamespacePolicy compile(
      String namespace,
      String permittedRegex,
      AllowedRoles allowedRoles,
      boolean podSessionNames,
      Optional<RoleBaseArn> base) {
    List<RoleMatcher> matchers = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    if (permittedRegex != null) {
      try {
        // YAML block scalars add a trailing newline; surrounding whitespace is never meant.
        matchers.add(RoleMatcher.permittedRegex(permittedRegex.strip(), base));
      } catch (InvalidPolicyException e) {
        problems.add(e.getMessage());
      }
    }
    switch (allowedRoles) {
      case AllowedRoles.Absent absent -> {}
      case AllowedRoles.Malformed malformed ->
          problems.add(
              AllowedRoles.ANNOTATION + " is not a JSON list of strings: " + malformed.reason());
      case AllowedRoles.Listed listed -> {
        try {
          matchers.add(RoleMatcher.allowedRoleGlobs(listed.globs(), base));
        } catch (InvalidPolicyException e) {
          problems.add(e.getMessage());
        }
      }
    }
    boolean annotated = permittedRegex != null || !(allowedRoles instanceof AllowedRoles.Absent);
    return new NamespacePolicy(namespace, matchers, problems, annotated, podSessionNames);
  }

  /** A namespace with no policy annotations, or one Podium has not seen. */
  public static NamespacePolicy unannotated(String namespace) {
    return new NamespacePolicy(namespace, List.of(), List.of(), false, false);
  }

  public String namespace() {
    return namespace;
  }

  /** Whether the namespace carries either policy annotation (valid or not). */
  public boolean annotated() {
    return annotated;
  }

  /** Whether the namespace lets its pods choose their session names (within its prefix). */
  public boolean podSessionNames() {
    return podSessionNames;
  }

  /** What is wrong with the namespace's annotations; empty when nothing is. */
  public List<String> problems() {
    return problems;
  }

  /** The description of the first rule that permits {@code role}, if any. */
  Optional<String> permittingRule(RoleArn role) {
    // Requests ask about the same few roles again and again; a long user regex costs milliseconds.
    Optional<String> known = decided.get(role);
    if (known != null) {
      return known;
    }
    Optional<String> rule = Optional.empty();
    for (RoleMatcher matcher : matchers) {
      if (matcher.matches(role)) {
        rule = Optional.of(matcher.description());
        break;
      }
    }
    if (decided.size() >= MAX_REMEMBERED_ROLES) {
      decided.clear();
    }
    decided.put(role, rule);
    return rule;
  }
}
