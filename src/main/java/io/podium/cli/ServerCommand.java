package io.podium.cli;

import io.podium.server.CertificateNodeAuthenticator;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * {@code podium server}: watches pods, decides roles, calls STS, and streams each agent its own
 * node's pods and credentials over mutual TLS.
 */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    versionProvider = PodiumVersion.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    header = "Serve agents their nodes' pods and credentials over gRPC with mutual TLS.",
    description = {
      "",
      "Decides every pod's role, fetches its credentials from STS before it asks and refreshes"
          + " them, and streams to each podium agent the pods of the agent's own node (known from"
          + " its client certificate) with their credentials. Podium's own AWS credentials come"
          + " from the SDK's default chain (IRSA token, instance role or environment). Run two or"
          + " more replicas behind a headless service; see docs/server.md.",
      ""
    },
    optionListHeading = "%nOptions:%n")
final class ServerCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(ServerCommand.class);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin LoggingOptions logging;

  @Option(
      names = "--pods-file",
      paramLabel = "FILE",
      required = true,
      description =
          "YAML file of Pod, Namespace and ServiceAccount manifests, reloaded when it changes"
              + " (until the Kubernetes pod source lands, the only source).")
  Path podsFile;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      defaultValue = "0.0.0.0:8443",
      description = "Where agents connect, mutual TLS (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(
      names = "--health-listen",
      paramLabel = "HOST:PORT|none",
      defaultValue = "0.0.0.0:8444",
      description =
          "Plaintext gRPC health service for kubelet probes, SERVING once pods are synced and the"
              + " certificates valid (default: ${DEFAULT-VALUE}).")
  String healthListen;

  @Option(
      names = "--replica-id",
      paramLabel = "ID",
      description = "This replica's name in logs and leases (default: the host name).")
  String replicaId;

  @Mixin TlsOptions tls;
  @Mixin CredentialOptions credentials;
  @Mixin StsOptions sts;

  @Override
  public Integer call() {
    logging.apply();
    ServerProcess.Config config = config();
    StandaloneCommand.warnAboutOpenNamespaces(credentials);
    ServerProcess.Parts parts =
        new ServerProcess.Parts(new CertificateNodeAuthenticator(), Function.identity());
    try (ShutdownSignal shutdown = new ShutdownSignal();
        DefaultCredentialsProvider base = DefaultCredentialsProvider.builder().build();
        ServerProcess process =
            ServerProcess.start(config, parts, base, new PrometheusRegistry(), Clock.systemUTC())) {
      PrintWriter out = spec.commandLine().getOut();
      out.println("podium server " + config.replicaId() + ": agent API on " + process.address());
      out.flush();
      shutdown.await();
      log.info("stopping");
    }
    return 0;
  }

  private ServerProcess.Config config() {
    var stsSettings = sts.settings();
    boolean chained = stsSettings.chained();
    try {
      return new ServerProcess.Config(
          podsFile,
          credentials.baseArn(),
          credentials.roleDecider(chained),
          credentials.brokerSettings(chained),
          credentials.stsWait(),
          stsSettings,
          ListenAddresses.parse("--listen", listen),
          healthListen.strip().equalsIgnoreCase("none")
              ? null
              : ListenAddresses.parse("--health-listen", healthListen),
          tls.files(),
          tls.refresh,
          replicaId == null || replicaId.isBlank() ? hostName() : replicaId.strip(),
          new PodiumVersion().getVersion()[0]);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "podium-server";
    }
  }
}
