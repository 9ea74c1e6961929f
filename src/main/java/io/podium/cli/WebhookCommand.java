package io.podium.cli;

import static io.podium.cli.OptionErrors.invalid;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.podium.core.account.ServiceAccountDirectory;
import io.podium.core.account.ServiceAccountProblems;
import io.podium.core.broker.ExecutorScheduler;
import io.podium.kubernetes.FilePodDirectory;
import io.podium.kubernetes.InformerServiceAccountDirectory;
import io.podium.kubernetes.KubernetesServiceAccountEvents;
import io.podium.ops.Health;
import io.podium.tls.ReloadingCertificate;
import io.podium.tls.TlsMetrics;
import io.podium.webhook.WebhookServer;
import io.podium.webhook.WebhookSettings;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code podium webhook}: the mutating admission webhook that gives pods their service account's
 * IAM role the IRSA way, a drop-in for the amazon-eks-pod-identity-webhook. Service accounts and
 * namespaces come from the cluster's API server, or from {@code --pods-file}.
 */
@Command(
    name = "webhook",
    mixinStandardHelpOptions = true,
    versionProvider = PodiumVersion.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    header = "Give pods their service account's IAM role (IRSA) as a mutating admission webhook.",
    description = {
      "",
      "Answers the API server's AdmissionReviews (admission.k8s.io/v1 and v1beta1) on POST"
          + " /mutate over HTTPS. A pod whose service account has <prefix>/role-arn gets, as the"
          + " upstream amazon-eks-pod-identity-webhook gives it, a projected token (volume"
          + " aws-iam-token), and AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE in every container"
          + " and init container not named in its <prefix>/skip-containers; the AWS SDKs then call"
          + " AssumeRoleWithWebIdentity themselves.",
      "",
      "Beyond upstream: a service account not cached yet is read from the API server before the"
          + " answer; the role must be one the namespace permits (iam.amazonaws.com/permitted,"
          + " iam.amazonaws.com/allowed-roles), else the pod is admitted without it, with a warning"
          + " and an Event on the service account; a second call (reinvocationPolicy IfNeeded)"
          + " mutates only containers added since; pods labelled"
          + " eks.amazonaws.com/skip-pod-identity-webhook or podium.io/skip are left alone. See"
          + " docs/irsa.md.",
      ""
    },
    optionListHeading = "%nOptions:%n",
    footerHeading = "%nExample (no cluster):%n",
    footer = {
      "  podium certs --out certs --webhook-dns localhost --webhook-ip 127.0.0.1",
      "  podium webhook --pods-file accounts.yaml --listen 127.0.0.1:8443 \\",
      "      --tls-cert certs/webhook.crt --tls-key certs/webhook.key"
    })
final class WebhookCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(WebhookCommand.class);

  static final String DEFAULT_LISTEN = "0.0.0.0:8443";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin LoggingOptions logging;

  @Option(
      names = "--pods-file",
      paramLabel = "FILE",
      description =
          "Instead of a cluster: a YAML file of ServiceAccount and Namespace manifests (several"
              + " documents or a List; pods in it are ignored here), reloaded when it changes.")
  Path podsFile;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description =
          "kubeconfig of the cluster whose service accounts and namespaces are read. Without it:"
              + " the in-cluster service account when running in a pod, else $KUBECONFIG or"
              + " ~/.kube/config.")
  Path kubeconfig;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      defaultValue = DEFAULT_LISTEN,
      description = "Where the API server calls the webhook, HTTPS (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      required = true,
      description =
          "The serving certificate chain (PEM), e.g. cert-manager's /etc/podium/tls/tls.crt;"
              + " re-read when it changes.")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      required = true,
      description = "Its private key (PEM), e.g. /etc/podium/tls/tls.key; re-read with it.")
  Path tlsKey;

  @Option(
      names = "--tls-refresh",
      paramLabel = "DURATION",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description = "How often the two files are checked for changes (default: ${DEFAULT-VALUE}).")
  Duration tlsRefresh;

  @Mixin WebhookOptions mutation;

  @Option(
      names = "--service-account-lookup-timeout",
      paramLabel = "DURATION",
      defaultValue = "3s",
      converter = DurationConverter.class,
      description =
          "Longest an admission waits for the API server when a pod's service account or"
              + " namespace is not cached yet; then the pod is admitted unmutated, with a warning."
              + " Keep it under the webhook configuration's timeoutSeconds (default:"
              + " ${DEFAULT-VALUE}).")
  Duration lookupTimeout;

  @Option(
      names = "--informer-sync-timeout",
      paramLabel = "DURATION",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description =
          "Longest start-up waits for the first lists of service accounts and namespaces; then"
              + " the webhook exits, saying why (default: ${DEFAULT-VALUE}).")
  Duration syncTimeout;

  @Mixin OpsOptions ops;

  @Override
  public Integer call() throws Exception {
    logging.apply();
    WebhookServer.Config config = config();
    new Listeners(spec)
        .add("--listen", config.listen())
        .add("--metrics-listen", ops.listen())
        .check();
    return new LongRunningCommand(spec, logging, ops)
        .run(
            (registry, health, resources) -> {
              WebhookServer server = start(config, registry, health, resources);
              return "podium webhook: admission webhook on " + server.address();
            });
  }

  /** Builds and starts the parts, each pushed to be closed in reverse order. */
  private WebhookServer start(
      WebhookServer.Config config,
      PrometheusRegistry registry,
      Health health,
      CloseStack resources) {
    ScheduledExecutorService timers =
        resources.pushExecutor(
            Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("podium-timers").daemon().factory()));
    ReloadingCertificate certificate = resources.push(certificate(timers));
    TlsMetrics.register(registry, certificate);
    Clock clock = Clock.systemUTC();
    health.ready(
        "certificate",
        () -> certificate.validAt(clock.instant()),
        "the serving certificate (--tls-cert) is expired or not yet valid");

    ServiceAccountDirectory accounts;
    ServiceAccountProblems problems;
    if (podsFile != null) {
      FilePodDirectory file =
          resources.push(
              new FilePodDirectory(
                  podsFile,
                  config.settings().roleBaseArn(),
                  List.of(),
                  FilePodDirectory.DEFAULT_POLL_INTERVAL,
                  clock,
                  new ExecutorScheduler(timers)));
      file.start();
      accounts = file;
      // No cluster to hold Events: refusals are in the log and the warnings.
      problems = ServiceAccountProblems.NONE;
    } else {
      KubernetesClient client = resources.push(kubernetesOptions().client());
      InformerServiceAccountDirectory informers =
          resources.push(
              new InformerServiceAccountDirectory(
                  client,
                  new InformerServiceAccountDirectory.Settings(
                      Set.of(config.settings().annotationPrefix()),
                      config.settings().roleBaseArn(),
                      lookupTimeout,
                      syncTimeout),
                  registry));
      health.ready(
          "accounts-synced",
          informers::synced,
          "the informers have not listed service accounts and namespaces yet");
      KubernetesServiceAccountEvents events =
          resources.push(
              new KubernetesServiceAccountEvents(
                  client,
                  ServerCommand.hostName(),
                  clock,
                  KubernetesServiceAccountEvents.DEFAULT_INTERVAL,
                  registry));
      informers.start();
      accounts = informers;
      problems = events;
    }

    WebhookServer server =
        resources.push(
            new WebhookServer(config, accounts, problems, certificate.keyManager(), registry));
    server.start();
    health.live("webhook", server::listening, "the webhook's listening socket is closed");
    health.ready("webhook", server::listening, "the webhook is not listening");
    return server;
  }

  private WebhookServer.Config config() {
    WebhookSettings settings = mutation.settings();
    if (settings.tokenExpirationSeconds() != mutation.tokenExpiration) {
      log.warn(
          "--token-expiration {} is outside 600..86400: using {}",
          mutation.tokenExpiration,
          settings.tokenExpirationSeconds());
    }
    if (lookupTimeout.isZero() || lookupTimeout.compareTo(Duration.ofSeconds(25)) > 0) {
      throw invalid(
          spec,
          "--service-account-lookup-timeout must be between 1ms and 25s: the API server gives"
              + " a webhook at most 30s");
    }
    if (syncTimeout.isZero()) {
      throw invalid(spec, "--informer-sync-timeout must be positive");
    }
    if (tlsRefresh.isZero()) {
      throw invalid(spec, "--tls-refresh must be positive");
    }
    if (podsFile != null) {
      if (kubeconfig != null) {
        throw invalid(spec, "--pods-file and --kubeconfig are two sources: give one of them");
      }
      if (!Files.isReadable(podsFile)) {
        throw invalid(spec, "--pods-file " + podsFile + " does not exist or cannot be read");
      }
    } else {
      kubernetesOptions();
    }
    requireReadable("--tls-cert", tlsCert);
    requireReadable("--tls-key", tlsKey);
    try {
      return new WebhookServer.Config(
          HostPort.listenAddress("--listen", listen, DEFAULT_LISTEN),
          settings,
          mutation.rolePolicy());
    } catch (IllegalArgumentException e) {
      throw invalid(spec, e.getMessage());
    }
  }

  /** The cluster's client settings, checked: the same rules as the other commands'. */
  private KubernetesOptions kubernetesOptions() {
    KubernetesOptions options = new KubernetesOptions();
    options.command = spec;
    options.kubeconfig = kubeconfig;
    options.syncTimeout = syncTimeout;
    options.validate(System.getenv());
    return options;
  }

  private ReloadingCertificate certificate(ScheduledExecutorService timers) {
    try {
      return ReloadingCertificate.load(tlsCert, tlsKey, tlsRefresh, timers);
    } catch (IllegalArgumentException e) {
      throw invalid(spec, e.getMessage());
    }
  }

  private void requireReadable(String option, Path file) {
    if (!Files.isReadable(file)) {
      throw invalid(
          spec,
          option
              + " "
              + file
              + " cannot be read: create it with podium certs --webhook-dns, or cert-manager");
    }
  }
}
