package io.podium.oidc;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.iam.model.OpenIDConnectProviderListEntry;

/**
 * The IAM OIDC provider of an issuer, with its audiences (IAM's client ids): created when missing,
 * given the audiences it lacks, and stripped of others only when asked ({@code --prune}), because
 * roles in use may trust them. No thumbprint is passed: IAM no longer needs one for providers it
 * can reach over a publicly trusted certificate.
 */
public final class IamOidcProvider {

  private static final Logger log = LoggerFactory.getLogger(IamOidcProvider.class);

  private final IamClient iam;

  public IamOidcProvider(IamClient iam) {
    this.iam = iam;
  }

  /**
   * What a pass did.
   *
   * @param arn the provider
   * @param created whether it was created now
   * @param added audiences added
   * @param removed audiences removed ({@code --prune})
   * @param kept audiences the provider has that were not asked for, left in place
   */
  public record Outcome(
      String arn, boolean created, List<String> added, List<String> removed, List<String> kept) {}

  /**
   * Makes the provider of {@code issuer} exist with at least {@code audiences}.
   *
   * @param prune also remove the provider's audiences not in {@code audiences}
   * @throws PublishException when IAM refuses
   */
  public Outcome ensure(IssuerUrl issuer, List<String> audiences, boolean prune) {
    try {
      Optional<String> arn = find(issuer);
      if (arn.isEmpty()) {
        String created =
            iam.createOpenIDConnectProvider(r -> r.url(issuer.toString()).clientIDList(audiences))
                .openIDConnectProviderArn();
        log.info("Created IAM OIDC provider {} with audiences {}", created, audiences);
        return new Outcome(created, true, List.copyOf(audiences), List.of(), List.of());
      }
      Set<String> existing =
          new LinkedHashSet<>(
              iam.getOpenIDConnectProvider(r -> r.openIDConnectProviderArn(arn.get()))
                  .clientIDList());
      List<String> added = new ArrayList<>();
      for (String audience : audiences) {
        if (!existing.contains(audience)) {
          iam.addClientIDToOpenIDConnectProvider(
              r -> r.openIDConnectProviderArn(arn.get()).clientID(audience));
          added.add(audience);
          log.info("Added audience {} to IAM OIDC provider {}", audience, arn.get());
        }
      }
      List<String> removed = new ArrayList<>();
      List<String> kept = new ArrayList<>();
      for (String audience : existing) {
        if (audiences.contains(audience)) {
          continue;
        }
        if (prune) {
          iam.removeClientIDFromOpenIDConnectProvider(
              r -> r.openIDConnectProviderArn(arn.get()).clientID(audience));
          removed.add(audience);
          log.info("Removed audience {} from IAM OIDC provider {}", audience, arn.get());
        } else {
          kept.add(audience);
        }
      }
      if (!kept.isEmpty()) {
        log.info(
            "IAM OIDC provider {} keeps audiences {} that were not asked for (--prune removes"
                + " them; roles in use may trust them)",
            arn.get(),
            kept);
      }
      return new Outcome(arn.get(), false, added, removed, kept);
    } catch (IamException e) {
      throw new PublishException(
          "IAM refused to set up the OIDC provider of "
              + issuer
              + ": "
              + e.statusCode()
              + " "
              + (e.awsErrorDetails() == null
                  ? e.getMessage()
                  : e.awsErrorDetails().errorCode() + " " + e.awsErrorDetails().errorMessage()),
          e);
    }
  }

  /** The provider whose ARN ends in {@code oidc-provider/<issuer without https://>}. */
  private Optional<String> find(IssuerUrl issuer) {
    String suffix = ":oidc-provider/" + issuer.providerName();
    return iam.listOpenIDConnectProviders().openIDConnectProviderList().stream()
        .map(OpenIDConnectProviderListEntry::arn)
        .filter(arn -> arn.endsWith(suffix))
        .findFirst();
  }
}
