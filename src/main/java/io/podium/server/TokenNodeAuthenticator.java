package io.podium.server;

import io.podium.core.AgentTokens;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * In a cluster: the agent's node comes from its projected service-account token, which the API
 * server vouches for and which names the agent's pod, whose node is known. The client certificate
 * (one shared by every agent, as cert-manager issues it) then only proves the caller may connect.
 */
public final class TokenNodeAuthenticator implements NodeAuthenticator {

  private final AgentTokens tokens;

  public TokenNodeAuthenticator(AgentTokens tokens) {
    this.tokens = tokens;
  }

  @Override
  public Result authenticate(X509Certificate certificate, Optional<String> bearerToken) {
    if (bearerToken.isEmpty()) {
      return new Result.Refused("no service-account token (authorization: Bearer)");
    }
    return switch (tokens.verify(bearerToken.get())) {
      case AgentTokens.Verdict.Node node ->
          new Result.Authenticated(new AgentIdentity(node.node(), AgentIdentity.Method.TOKEN));
      case AgentTokens.Verdict.Refused refused -> new Result.Refused(refused.reason());
    };
  }
}
