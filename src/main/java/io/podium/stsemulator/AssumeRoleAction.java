package io.podium.stsemulator;

import io.podium.core.role.RoleArn;
import io.podium.stsemulator.ParameterReader.Constraint;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * AssumeRole: a signed caller trades its identity for a role session, subject to the role's trust
 * settings (trusted principals, external id), its maximum session duration and the one-hour cap on
 * role chaining. Session policies and tags are checked and accepted but not enforced.
 */
final class AssumeRoleAction implements StsAction {

  private static final int MAX_TAGS = 50;

  private final SessionIssuer issuer;
  private final SessionPolicies policies;

  AssumeRoleAction(SessionIssuer issuer, SessionPolicies policies) {
    this.issuer = issuer;
    this.policies = policies;
  }

  @Override
  public String name() {
    return "AssumeRole";
  }

  @Override
  public boolean signed() {
    return true;
  }

  @Override
  public StsResult handle(StsRequest request, Optional<Caller> signer) {
    Caller caller =
        signer.orElseThrow(() -> new IllegalStateException("AssumeRole reached unsigned"));
    ParameterReader parameters = new ParameterReader(request.parameters());
    String roleArnText = parameters.required("RoleArn", "roleArn", new Constraint(20, 2048, null));
    String sessionName =
        parameters.required(
            "RoleSessionName",
            "roleSessionName",
            new Constraint(2, 64, ParameterReader.NAME_CHARACTERS));
    OptionalInt duration = parameters.integer("DurationSeconds", "durationSeconds", 900, 43200);
    Optional<String> externalId =
        parameters.optional(
            "ExternalId",
            "externalId",
            new Constraint(2, 1224, ParameterReader.EXTERNAL_ID_CHARACTERS));
    Optional<String> sourceIdentity =
        parameters.optional(
            "SourceIdentity",
            "sourceIdentity",
            new Constraint(2, 64, ParameterReader.NAME_CHARACTERS));
    Optional<String> policy =
        parameters.optional(
            "Policy", "policy", new Constraint(1, 2048, ParameterReader.POLICY_CHARACTERS));
    List<ParameterReader.Tag> tags = parameters.tags(MAX_TAGS);
    parameters.list(
        "TransitiveTagKeys",
        "transitiveTagKeys",
        MAX_TAGS,
        new Constraint(1, 128, ParameterReader.TAG_CHARACTERS));
    parameters.finish();

    RoleArn roleArn = RoleArns.parse(roleArnText);
    StsError denied =
        StsError.accessDenied(
            "User: "
                + caller.arn()
                + " is not authorized to perform: sts:AssumeRole on resource: "
                + roleArn);
    RoleDefinition role = issuer.requireRole(roleArn, denied);
    if (role.trustedPrincipals()
        .map(trusted -> Collections.disjoint(trusted, caller.principalArns()))
        .orElse(false)) {
      throw new StsException(denied);
    }
    if (role.externalId().isPresent() && !role.externalId().equals(externalId)) {
      throw new StsException(denied);
    }
    OptionalInt packedPolicySize = policies.packedSize(policy, tags);
    boolean chained = caller instanceof Caller.Session;
    IssuedSession session =
        issuer.issue(
            role, sessionName, duration, chained, sourceIdentity(caller, sourceIdentity, roleArn));
    return new StsResult.AssumedRole(session, packedPolicySize);
  }

  /** A SourceIdentity, once set on a session, carries through role chaining and cannot change. */
  private static Optional<String> sourceIdentity(
      Caller caller, Optional<String> requested, RoleArn roleArn) {
    Optional<String> inherited =
        caller instanceof Caller.Session session
            ? session.session().sourceIdentity()
            : Optional.empty();
    if (inherited.isPresent() && requested.isPresent() && !inherited.equals(requested)) {
      throw new StsException(
          StsError.accessDenied(
              "User: "
                  + caller.arn()
                  + " is not authorized to perform: sts:SetSourceIdentity on resource: "
                  + roleArn
                  + " because the session's SourceIdentity cannot be changed"));
    }
    return requested.or(() -> inherited);
  }
}
