package io.podium.core.pod;

/** Whether a pod may hold credentials at all, before any question of which role. */
public sealed interface Eligibility {

  record Eligible() implements Eligibility {}

  record Ineligible(String reason) implements Eligibility {}

  Eligibility ELIGIBLE = new Eligible();
}
