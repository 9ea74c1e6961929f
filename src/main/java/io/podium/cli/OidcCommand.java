package io.podium.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code podium oidc}: the cluster's service-account issuer, published for IAM (IRSA). */
@Command(
    name = "oidc",
    mixinStandardHelpOptions = true,
    versionProvider = PodiumVersion.class,
    usageHelpAutoWidth = true,
    header = "Publish the cluster's service-account issuer so that IAM trusts its tokens (IRSA).",
    description = {
      "",
      "IAM trusts a cluster's service-account tokens through an OIDC provider whose discovery"
          + " document and JWKS it fetches over HTTPS. These commands build both documents from the"
          + " cluster's signing keys (read from the API server, or from the key files it is given),"
          + " publish them to S3 behind a bucket policy, and create or update the IAM OIDC"
          + " provider. See docs/oidc.md.",
      ""
    },
    subcommands = {
      CommandLine.HelpCommand.class,
      OidcDocumentsCommand.class,
      OidcPublishCommand.class,
      OidcSyncCommand.class
    })
final class OidcCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
