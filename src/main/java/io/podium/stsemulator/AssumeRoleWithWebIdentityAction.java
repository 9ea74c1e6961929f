package io.podium.stsemulator;

import io.podium.core.role.RoleArn;
import io.podium.stsemulator.ParameterReader.Constraint;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * AssumeRoleWithWebIdentity: an unsigned request trades a JWT for a role session. The token is
 * verified against the registered OIDC providers ({@link WebIdentityTokenVerifier}), or only
 * decoded when there are none ({@link WebIdentityTokenDecoder}); then the role's trust settings
 * decide: its trusted principals (the provider's ARN) and its conditions on the provider's {@code
 * sub} and {@code aud} keys.
 */
final class AssumeRoleWithWebIdentityAction implements StsAction {

  private final SessionIssuer issuer;
  private final SessionPolicies policies;
  private final WebIdentityTokens tokens;
  private final Clock clock;

  AssumeRoleWithWebIdentityAction(
      SessionIssuer issuer, SessionPolicies policies, WebIdentityTokens tokens, Clock clock) {
    this.issuer = issuer;
    this.policies = policies;
    this.tokens = tokens;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "AssumeRoleWithWebIdentity";
  }

  @Override
  public boolean signed() {
    return false;
  }

  @Override
  public StsResult handle(StsRequest request, Optional<Caller> caller) {
    ParameterReader parameters = new ParameterReader(request.parameters());
    String roleArnText = parameters.required("RoleArn", "roleArn", new Constraint(20, 2048, null));
    String sessionName =
        parameters.required(
            "RoleSessionName",
            "roleSessionName",
            new Constraint(2, 64, ParameterReader.NAME_CHARACTERS));
    String tokenText =
        parameters.required(
            "WebIdentityToken", "webIdentityToken", new Constraint(4, 20000, null).secretValue());
    OptionalInt duration = parameters.integer("DurationSeconds", "durationSeconds", 900, 43200);
    Optional<String> policy =
        parameters.optional(
            "Policy", "policy", new Constraint(1, 2048, ParameterReader.POLICY_CHARACTERS));
    parameters.finish();

    RoleArn roleArn = RoleArns.parse(roleArnText);
    WebIdentityToken token = tokens.read(tokenText, clock.instant());
    StsError denied =
        StsError.accessDenied("Not authorized to perform sts:AssumeRoleWithWebIdentity");
    RoleDefinition role = issuer.requireRole(roleArn, denied);
    Optional<String> provider = token.providerArn(roleArn.partition(), roleArn.accountId());
    if (role.trustedPrincipals().isPresent()
        && provider.map(p -> !role.trustedPrincipals().get().contains(p)).orElse(true)) {
      throw new StsException(denied);
    }
    if (!role.trustConditions().isEmpty()
        && !role.trustConditions().admit(conditionContext(token))) {
      throw new StsException(denied);
    }
    OptionalInt packedPolicySize = policies.packedSize(policy, List.of());
    IssuedSession session = issuer.issue(role, sessionName, duration, false, Optional.empty());
    return new StsResult.AssumedRoleWithWebIdentity(
        session, token.subject(), token.audience(), provider, packedPolicySize);
  }

  /** The condition keys IAM sets for a web identity: {@code <issuer without https://>:sub}, … */
  private static Map<String, String> conditionContext(WebIdentityToken token) {
    if (token.issuer().isEmpty()) {
      return Map.of();
    }
    String issuer = token.issuer().get();
    String name = issuer.startsWith("https://") ? issuer.substring("https://".length()) : issuer;
    if (name.endsWith("/")) {
      name = name.substring(0, name.length() - 1);
    }
    return Map.of(name + ":sub", token.subject(), name + ":aud", token.audience());
  }
}
