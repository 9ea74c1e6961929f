package io.podium.server;

import io.podium.tls.NodeNames;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * Outside a cluster, or wherever certificates are issued per node: the node is the one node URI SAN
 * ({@code spiffe://podium/node/<name>}) of the agent's client certificate, which only the CA can
 * put there.
 */
public final class CertificateNodeAuthenticator implements NodeAuthenticator {

  @Override
  public Result authenticate(X509Certificate certificate, Optional<String> bearerToken) {
    return NodeNames.nodeOf(certificate)
        .<Result>map(
            node ->
                new Result.Authenticated(new AgentIdentity(node, AgentIdentity.Method.CERTIFICATE)))
        .orElseGet(
            () ->
                new Result.Refused(
                    "the client certificate "
                        + certificate.getSubjectX500Principal().getName()
                        + " names no node (expected one URI SAN "
                        + NodeNames.NODE_URI_PREFIX
                        + "<node>)"));
  }
}
