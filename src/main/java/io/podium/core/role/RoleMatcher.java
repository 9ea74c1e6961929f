package io.podium.core.role;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A compiled namespace rule that matches role ARNs. Patterns are user input, so they are compiled
 * with RE2/J, which matches in linear time whatever the pattern: a hostile regex cannot stall a
 * request.
 *
 * <p>A wildcard never stands for the top of a role path. A role whose path goes beyond the base
 * ARN's (or, without a base or in another account, beyond {@code /}) is permitted only by a rule
 * that writes out the first segment of that path — {@code team/} for {@code team/reader} and {@code
 * team/data/reader} — so {@code dev-.*} permits {@code dev-reader} but never {@code
 * dev-x/prod-admin}. A pod owner chooses the annotation, so a pattern meant for names must not let
 * them choose a path; a namespace owner who means a path writes it, and then, as in IAM's own
 * {@code role/team/*}, means the roles below it too.
 */
final class RoleMatcher {

  static final int MAX_PATTERN_LENGTH = 4096;

  /**
   * The most instructions a permitted regex, or a whole allowed-roles list, may compile to. A
   * pattern of {@link #MAX_PATTERN_LENGTH} characters without counted repetitions stays below it;
   * nested counts such as {@code ((a{1000}){1000}){1000}} would otherwise exhaust the heap while
   * compiling.
   */
  static final int MAX_PROGRAM_SIZE = 10_000;

  private final Pattern pattern;
  private final String description;
  private final boolean matchNames;
  private final Optional<RoleBaseArn> base;
  // The rule as written, escapes undone: where the paths it permits must appear.
  private final String literalText;

  private RoleMatcher(
      Pattern pattern,
      String description,
      boolean matchNames,
      Optional<RoleBaseArn> base,
      String source) {
    this.pattern = pattern;
    this.description = description;
    this.matchNames = matchNames;
    this.base = base;
    this.literalText = literalText(source);
  }

  /**
   * kiam's {@code iam.amazonaws.com/permitted}: a regex anchored as one group, matched against the
   * role's ARN and, for roles in the base ARN's account only, also against its name with its path
   * (relative to the base path, and from the root).
   *
   * @throws InvalidPolicyException when the regex does not compile on its own, or would compile to
   *     more than {@link #MAX_PROGRAM_SIZE} instructions
   */
  static RoleMatcher permittedRegex(String regex, Optional<RoleBaseArn> base) {
    requireBoundedLength(regex, "iam.amazonaws.com/permitted");
    if (RegexProgramSize.bound(regex) > MAX_PROGRAM_SIZE) {
      throw new InvalidPolicyException(
          "iam.amazonaws.com/permitted '"
              + RoleArn.abbreviate(regex)
              + "' is too complex: its repetitions expand to more than "
              + MAX_PROGRAM_SIZE
              + " steps; use smaller or fewer {n,m} counts, or * and +");
    }
    try {
      // Compile alone first so that input such as "a)|(b" cannot escape the anchoring group.
      Pattern.compile(regex);
      return new RoleMatcher(
          Pattern.compile("^(?:" + regex + ")$"),
          "permitted regex '" + RoleArn.abbreviate(regex) + "'",
          true,
          base,
          regex);
    } catch (PatternSyntaxException e) {
      throw new InvalidPolicyException(
          "iam.amazonaws.com/permitted '"
              + RoleArn.abbreviate(regex)
              + "' is not a valid regular expression: "
              + e.getDescription());
    }
  }

  /**
   * kube2iam's {@code iam.amazonaws.com/allowed-roles}: globs where {@code *} matches any run of
   * characters; an entry that is not an ARN is joined to the base ARN first, as kube2iam did.
   *
   * @throws InvalidPolicyException when no entry can be used, or the list would compile to more
   *     than {@link #MAX_PROGRAM_SIZE} instructions
   */
  static RoleMatcher allowedRoleGlobs(List<String> globs, Optional<RoleBaseArn> base) {
    List<String> alternatives = new ArrayList<>();
    List<String> written = new ArrayList<>();
    for (String glob : globs) {
      requireBoundedLength(glob, AllowedRoles.ANNOTATION);
      String full = glob.strip();
      if (!full.startsWith("arn:")) {
        if (base.isEmpty()) {
          // A bare name must never permit another account's role: without a base it permits none.
          continue;
        }
        full = base.get() + (full.startsWith("/") ? full.substring(1) : full);
      }
      alternatives.add(globToRegex(full));
      written.add(full);
    }
    if (alternatives.isEmpty()) {
      throw new InvalidPolicyException(
          AllowedRoles.ANNOTATION
              + " lists no usable role (bare names need --role-base-arn): "
              + RoleArn.abbreviate(String.join(",", globs)));
    }
    String regex = "^(?:" + String.join("|", alternatives) + ")$";
    if (RegexProgramSize.bound(regex) > MAX_PROGRAM_SIZE) {
      // Each entry may be 4096 characters and the list as long as Kubernetes allows: bound the
      // whole, or matching alone would cost hundreds of milliseconds per request.
      throw new InvalidPolicyException(
          AllowedRoles.ANNOTATION
              + " is too large: its "
              + globs.size()
              + " entries would compile to more than "
              + MAX_PROGRAM_SIZE
              + " steps; list fewer roles or cover them with * globs");
    }
    // Descriptions end up in every decision's explanation, so keep a long list from flooding them.
    return new RoleMatcher(
        Pattern.compile(regex),
        "allowed-roles " + RoleArn.abbreviate(globs.toString()),
        false,
        base,
        // Quoted, so that the globs' own text is what the paths are looked for in.
        written.stream().map(Pattern::quote).reduce((a, b) -> a + "\n" + b).orElse(""));
  }

  boolean matches(RoleArn role) {
    if (!writesOutPathOf(role)) {
      return false;
    }
    if (matchesWhole(role.toString())) {
      return true;
    }
    if (!matchNames || base.isEmpty() || !base.get().sameAccount(role)) {
      return false;
    }
    if (matchesWhole(role.pathAndName())) {
      return true;
    }
    String basePath = base.get().path();
    return role.path().startsWith(basePath)
        && basePath.length() > 1
        && matchesWhole(role.path().substring(basePath.length()) + role.name());
  }

  /**
   * Whether the rule writes out the top of {@code role}'s path that a wildcard may not stand for:
   * the first segment (and its slash) of the path below the base ARN's, for roles of its account
   * under it, else of the whole path. It must appear in the rule where a segment can start (at the
   * start, or after a character that is not part of a role name): {@code m/} inside {@code team/}
   * does not count.
   */
  private boolean writesOutPathOf(RoleArn role) {
    String path = role.path();
    String basePath = base.filter(b -> b.sameAccount(role)).map(RoleBaseArn::path).orElse("/");
    String beyond =
        path.startsWith(basePath) ? path.substring(basePath.length()) : path.substring(1);
    if (beyond.isEmpty()) {
      return true;
    }
    String top = beyond.substring(0, beyond.indexOf('/') + 1);
    for (int at = literalText.indexOf(top); at >= 0; at = literalText.indexOf(top, at + 1)) {
      if (at == 0 || !nameCharacter(literalText.charAt(at - 1))) {
        return true;
      }
    }
    return false;
  }

  private static boolean nameCharacter(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "_+=,.@-".indexOf(c) >= 0;
  }

  /**
   * {@code source} with {@code \Q…\E} quoting and punctuation escapes ({@code \.}, {@code \/})
   * undone, so that {@code team\.a/} and {@code \Qteam.a\E/} both write out the path {@code
   * team.a/}. Other escapes ({@code \d}, {@code \w}) stand for no literal: a space.
   */
  static String literalText(String source) {
    StringBuilder out = new StringBuilder(source.length());
    int i = 0;
    while (i < source.length()) {
      char c = source.charAt(i);
      if (c != '\\' || i + 1 == source.length()) {
        out.append(c);
        i++;
        continue;
      }
      char next = source.charAt(i + 1);
      if (next == 'Q') {
        int end = source.indexOf("\\E", i + 2);
        out.append(source, i + 2, end < 0 ? source.length() : end);
        i = end < 0 ? source.length() : end + 2;
      } else {
        out.append(Character.isLetterOrDigit(next) ? ' ' : next);
        i += 2;
      }
    }
    return out.toString();
  }

  /** Whether the whole of {@code text} matches; linear in its length whatever the pattern. */
  boolean matchesWhole(String text) {
    return pattern.matches(text);
  }

  String description() {
    return description;
  }

  private static String globToRegex(String glob) {
    StringBuilder regex = new StringBuilder();
    int start = 0;
    for (int star = glob.indexOf('*'); star >= 0; star = glob.indexOf('*', start)) {
      if (star > start) {
        regex.append(Pattern.quote(glob.substring(start, star)));
      }
      regex.append(".*");
      start = star + 1;
    }
    if (start < glob.length()) {
      regex.append(Pattern.quote(glob.substring(start)));
    }
    return regex.toString();
  }

  private static void requireBoundedLength(String value, String annotation) {
    if (value.length() > MAX_PATTERN_LENGTH) {
      throw new InvalidPolicyException(
          annotation + " is longer than " + MAX_PATTERN_LENGTH + " characters");
    }
  }
}
