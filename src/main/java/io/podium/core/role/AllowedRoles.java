package io.podium.core.role;

import java.util.List;

/**
 * kube2iam's namespace annotation {@code iam.amazonaws.com/allowed-roles}, a JSON list of role
 * globs, as the adapter that read it found it. JSON parsing stays in the adapter so that the core
 * stays free of I/O libraries.
 */
public sealed interface AllowedRoles {

  String ANNOTATION = "iam.amazonaws.com/allowed-roles";

  /** The namespace has no such annotation. */
  record Absent() implements AllowedRoles {}

  /** The annotation parsed to a list of role names, ARNs or globs ({@code *}). */
  record Listed(List<String> globs) implements AllowedRoles {
    public Listed {
      globs = List.copyOf(globs);
    }
  }

  /** The annotation is present but is not a JSON list of strings. */
  record Malformed(String reason) implements AllowedRoles {}

  AllowedRoles ABSENT = new Absent();
}
