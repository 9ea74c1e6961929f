package io.podium.cli;

import io.podium.oidc.IssuerUrl;
import io.podium.oidc.KeySource;
import io.podium.oidc.KeySourceException;
import io.podium.oidc.OidcPublisher;
import io.podium.oidc.PolicyOutcome;
import io.podium.oidc.PublishException;
import io.podium.oidc.S3IssuerStore;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;

/** {@code podium oidc publish}: one publishing pass to S3 and IAM. */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    versionProvider = PodiumVersion.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    header = "Publish the issuer's documents to S3 and set up its IAM OIDC provider, once.",
    description = {
      "",
      "Writes the discovery document and the JWKS to --bucket at the paths of their URLs"
          + " (Content-Type application/json), only when they changed; keeps keys the cluster"
          + " stopped using for --retain-keys (remembered in a private object beside them);"
          + " makes the two documents, and nothing else, publicly readable through the bucket"
          + " policy (never object ACLs); creates the IAM OIDC provider of the issuer or adds"
          + " missing audiences. AWS credentials come from the SDK's default chain.",
      "",
      "Exit status: 0 done; 1 failed; 3 published, but the bucket policy could not be applied"
          + " here: it is printed for someone who may.",
      ""
    },
    optionListHeading = "%nOptions:%n",
    footerHeading = "%nExamples:%n",
    footer = {
      "  podium oidc publish --kubeconfig ~/.kube/config --bucket my-oidc --region eu-west-1",
      "  podium oidc publish --issuer https://my-oidc.s3.eu-west-1.amazonaws.com \\",
      "      --signing-key-file sa.pub --bucket my-oidc --region eu-west-1 --audience sts.amazonaws.com"
    })
final class OidcPublishCommand implements Callable<Integer> {

  /** Published, but someone else must apply the printed bucket policy. */
  static final int POLICY_NOT_APPLIED = 3;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin LoggingOptions logging;
  @Mixin OidcIssuerOptions issuerOptions;
  @Mixin OidcPublishOptions publishOptions;

  @Override
  public Integer call() throws Exception {
    logging.apply();
    S3IssuerStore.Settings storeSettings = publishOptions.storeSettings();
    OidcIssuerOptions.Source source = issuerOptions.source();
    PrintWriter out = spec.commandLine().getOut();
    try (AutoCloseable _ = source.resources();
        DefaultCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
        S3Client s3 = publishOptions.s3(credentials)) {
      Optional<IamClient> iam = publishOptions.iam(credentials);
      try {
        KeySource.Keys keys = source.keys().read();
        IssuerUrl issuer = issuerOptions.issuer(keys);
        OidcPublisher publisher =
            new OidcPublisher(
                source.keys(),
                new S3IssuerStore(s3, storeSettings),
                OidcPublishOptions.provider(iam),
                publishOptions.settings(issuer, issuerOptions.jwksUri(issuer)),
                Clock.systemUTC());
        OidcPublisher.Pass pass = publisher.publishOnce();
        out.println(
            "Issuer "
                + issuer
                + ": keys "
                + pass.current()
                + (pass.retired().isEmpty() ? "" : ", retired keys kept " + pass.retired())
                + (pass.documentsChanged() ? "; documents written" : "; documents unchanged"));
        pass.provider()
            .ifPresent(
                provider ->
                    out.println(
                        "IAM OIDC provider "
                            + provider.arn()
                            + (provider.created() ? " created" : "")
                            + (provider.added().isEmpty() ? "" : "; added " + provider.added())
                            + (provider.removed().isEmpty()
                                ? ""
                                : "; removed " + provider.removed())
                            + (provider.kept().isEmpty()
                                ? ""
                                : "; kept " + provider.kept() + " (--prune removes them)")));
        out.flush();
        return switch (pass.policy()) {
          case PolicyOutcome.Applied _ -> {
            out.println("Bucket policy updated: the two documents are publicly readable.");
            yield 0;
          }
          case PolicyOutcome.AlreadyInPlace _ -> 0;
          case PolicyOutcome.Skipped _ -> 0;
          case PolicyOutcome.NeedsSomeoneElse needs -> {
            spec.commandLine().getErr().println("podium oidc publish: " + needs.reason() + ":");
            spec.commandLine().getErr().flush();
            out.println(needs.policy());
            yield POLICY_NOT_APPLIED;
          }
        };
      } catch (KeySourceException | PublishException e) {
        spec.commandLine().getErr().println("podium oidc publish: " + e.getMessage());
        return 1;
      } finally {
        out.flush();
        iam.ifPresent(IamClient::close);
      }
    }
  }
}
