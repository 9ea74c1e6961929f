package io.podium.oidc;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Checks of an issuer against what the cluster says, as warnings: the user may know better. */
public final class IssuerChecks {

  private static final Logger log = LoggerFactory.getLogger(IssuerChecks.class);

  private IssuerChecks() {}

  /**
   * Warns when the cluster's tokens carry another {@code iss}: IAM would then answer every token
   * with "No OpenIDConnect provider found".
   *
   * @return the warning, when there is one
   */
  public static Optional<String> warnIfTokensDisagree(
      IssuerUrl issuer, Optional<String> clusterIssuer) {
    if (clusterIssuer.isEmpty() || clusterIssuer.get().equals(issuer.toString())) {
      return Optional.empty();
    }
    String warning =
        "the issuer "
            + issuer
            + " differs from the iss of the cluster's tokens, "
            + clusterIssuer.get()
            + ": STS will refuse those tokens unless the API server's --service-account-issuer"
            + " is "
            + issuer
            + " (list it first; earlier issuers may follow during a migration)";
    log.warn("{}", warning);
    return Optional.of(warning);
  }
}
