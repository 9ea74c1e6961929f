package io.podium.core.role;

/** The outcome of working out which role a pod asks for. */
public sealed interface RoleResolution {

  /** The pod asks for no role and no default applies. */
  record NoRole() implements RoleResolution {}

  /** The pod asks for {@code role}. */
  record Resolved(RoleArn role, RoleSource source) implements RoleResolution {}

  /** The pod asks for something that is not a usable role; {@code reason} says what is wrong. */
  record Invalid(String reason, RoleSource source) implements RoleResolution {}

  RoleResolution NO_ROLE = new NoRole();
}
