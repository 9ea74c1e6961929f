package io.podium.oidc;

/** What became of the bucket policy that makes the two documents publicly readable. */
public sealed interface PolicyOutcome {

  /** The bucket's policy now holds the statement (merged with what was there). */
  record Applied(String policy) implements PolicyOutcome {}

  /** The bucket's policy already held exactly the statement. */
  record AlreadyInPlace() implements PolicyOutcome {}

  /**
   * The caller may not change (or read) the bucket's policy: {@code policy} is what someone who may
   * should apply, and {@code reason} says why it could not be done here.
   */
  record NeedsSomeoneElse(String policy, String reason) implements PolicyOutcome {}

  /** Asked to leave the policy alone ({@code --bucket-policy none}). */
  record Skipped() implements PolicyOutcome {}
}
