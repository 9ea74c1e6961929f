package io.podium.cli;

import io.podium.oidc.IssuerUrl;
import io.podium.oidc.OidcMetrics;
import io.podium.oidc.OidcPublisher;
import io.podium.oidc.OidcSync;
import io.podium.oidc.S3IssuerStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;

/** {@code podium oidc sync}: {@code publish} every interval, until stopped. */
@Command(
    name = "sync",
    mixinStandardHelpOptions = true,
    versionProvider = PodiumVersion.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    header = "Keep the published JWKS current as the cluster's keys rotate (a Deployment).",
    description = {
      "",
      "Runs what podium oidc publish does at start and then every --interval: re-reads the"
          + " signing keys, republishes the JWKS when they changed, keeps each retired key for"
          + " --retain-keys after it was last seen. Serves podium_oidc_* metrics and its probes"
          + " on --metrics-listen; /readyz fails while no pass succeeded within three intervals."
          + " For a CronJob, run podium oidc publish instead.",
      ""
    },
    optionListHeading = "%nOptions:%n")
final class OidcSyncCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin LoggingOptions logging;
  @Mixin OidcIssuerOptions issuerOptions;
  @Mixin OidcPublishOptions publishOptions;
  @Mixin OpsOptions ops;

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      defaultValue = "5m",
      converter = DurationConverter.class,
      description = "Time between passes. Default: ${DEFAULT-VALUE}.")
  Duration interval = Duration.ofMinutes(5);

  @Override
  public Integer call() throws Exception {
    logging.apply();
    if (interval.isZero() || interval.isNegative()) {
      throw OptionErrors.invalid(spec, "--interval must be positive");
    }
    S3IssuerStore.Settings storeSettings = publishOptions.storeSettings();
    OidcIssuerOptions.Source source = issuerOptions.source();
    return new LongRunningCommand(spec, logging, ops)
        .run(
            (registry, health, resources) -> {
              Clock clock = Clock.systemUTC();
              ScheduledExecutorService timer =
                  resources.pushExecutor(
                      Executors.newSingleThreadScheduledExecutor(
                          Thread.ofPlatform().name("podium-oidc-sync").daemon().factory()));
              resources.push(source.resources());
              DefaultCredentialsProvider credentials =
                  resources.push(DefaultCredentialsProvider.builder().build());
              S3Client s3 = resources.push(publishOptions.s3(credentials));
              Optional<IamClient> iam = publishOptions.iam(credentials);
              iam.ifPresent(resources::push);
              // A key source that cannot be read is a start-up error (exit 1, one line).
              IssuerUrl issuer = issuerOptions.issuer(source.keys().read());
              OidcPublisher publisher =
                  new OidcPublisher(
                      source.keys(),
                      new S3IssuerStore(s3, storeSettings),
                      OidcPublishOptions.provider(iam),
                      publishOptions.settings(issuer, issuerOptions.jwksUri(issuer)),
                      clock);
              OidcSync sync =
                  resources.push(
                      new OidcSync(publisher, new OidcMetrics(registry), clock, interval, timer));
              health.ready(
                  "synced", sync::healthy, "no sync pass succeeded within three intervals");
              sync.start();
              return "podium oidc sync: publishing "
                  + issuer
                  + " to s3://"
                  + storeSettings.bucket()
                  + " every "
                  + interval;
            });
  }
}
