package io.podium.core.role;

/** A policy's verdict on one role for one pod; both outcomes say why, for logs and events. */
public sealed interface Decision {

  String explanation();

  record Allowed(String explanation) implements Decision {}

  record Denied(String explanation) implements Decision {}
}
