package io.podium.cli;

import static io.podium.cli.OptionErrors.invalid;

import io.podium.agent.ServerAddress;
import io.podium.agent.ServerConnections;
import io.podium.agent.TokenFileCredentials;
import io.podium.core.session.SessionDurations;
import io.podium.imds.MetadataSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code podium agent}: the metadata API for the pods of this node, answered from memory that every
 * {@code podium server} replica streams to it. Holds no AWS or Kubernetes rights.
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    versionProvider = PodiumVersion.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    header = "Serve this node's pods their credentials, from the podium server replicas.",
    description = {
      "",
      "Connects to every replica behind each --server (a headless service name resolves to all"
          + " of them) over mutual TLS, receives this node's pods and their credentials, and"
          + " answers the EC2 metadata API and the container-credentials endpoint (EKS Pod"
          + " Identity's protocol) from memory: 503 until the first replica has synced,"
          + " then correct answers, and cached credentials while every replica is away (down to"
          + " --outage-floor). Never exits because a server is slow or gone.",
      ""
    },
    optionListHeading = "%nOptions:%n")
final class AgentCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(AgentCommand.class);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin LoggingOptions logging;

  @Option(
      names = "--server",
      paramLabel = "HOST:PORT",
      required = true,
      description =
          "A podium server to connect to (repeatable); every address the name resolves to is a"
              + " replica, re-resolved every 30s, e.g. podium-server.podium.svc:8443. The servers'"
              + " certificates must name HOST.")
  List<String> servers = new ArrayList<>();

  @Option(
      names = "--node",
      paramLabel = "NODE",
      defaultValue = "${env:NODE_NAME}",
      description =
          "The node this agent runs on (default: $NODE_NAME, from the downward API). Only a"
              + " claim: the server uses the node it authenticates, and refuses a mismatch.")
  String node;

  @Option(
      names = "--region",
      paramLabel = "REGION",
      description =
          "Answer placement/region with this region, e.g. eu-west-1, or auto: read it once at"
              + " start (default: ask the node's metadata service through --metadata-upstream).")
  String region;

  /** The region {@code --region auto} found, once it has been asked. */
  String discoveredRegion;

  @Option(
      names = "--outage-floor",
      paramLabel = "DURATION",
      defaultValue = "1m",
      converter = DurationConverter.class,
      description =
          "While no server replica can provide fresher credentials, cached ones are served until"
              + " this much validity is left, then 503 (default: ${DEFAULT-VALUE}, the broker's"
              + " own outage floor).")
  Duration outageFloor;

  @Option(
      names = "--push-wait",
      paramLabel = "DURATION",
      defaultValue = "250ms",
      converter = DurationConverter.class,
      description =
          "How long a request waits for credentials the server is about to push before asking a"
              + " replica for them (default: ${DEFAULT-VALUE}).")
  Duration pushWait;

  @Option(
      names = "--lookup-deadline",
      paramLabel = "DURATION",
      defaultValue = "800ms",
      converter = DurationConverter.class,
      description =
          "Longest time one replica may take to answer for an address the agent does not know;"
              + " then the next replica is asked (default: ${DEFAULT-VALUE}).")
  Duration lookupDeadline;

  @Option(
      names = "--shutdown-delay",
      paramLabel = "DURATION",
      defaultValue = "1s",
      converter = DurationConverter.class,
      description =
          "After SIGTERM, keep answering this long so that requests in flight finish, then stop"
              + " (default: ${DEFAULT-VALUE}).")
  Duration shutdownDelay;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "The agent pod's projected service-account token, sent on every call (re-read each"
              + " time), for servers run with --agent-auth token, e.g."
              + " /var/run/secrets/podium/token.")
  Path tokenFile;

  @Mixin TlsOptions tls;
  @Mixin MetadataOptions metadata;
  @Mixin ContainerCredentialsOptions containerCredentials;
  @Mixin InterceptionOptions interception;
  @Mixin OpsOptions ops;

  @Override
  public Integer call() throws Exception {
    logging.apply();
    if (interception.runsOnce()) {
      return RulesOnce.run(
          interception,
          metadata.settings(null).listen(),
          containerCredentials.listenAddresses(interception.managesTheNode()),
          spec.commandLine());
    }
    AgentProcess.Config checked = config();
    new Listeners(spec)
        .add("--imds-listen", checked.metadata().listen())
        .add("--metrics-listen", ops.listen())
        .check();
    if (AutoDiscovery.isAuto(region)) {
      discoveredRegion =
          AutoDiscovery.region(AutoDiscovery.source(spec, "--region", metadata.metadataUpstream));
    }
    AgentProcess.Config config = discoveredRegion == null ? checked : config();
    return new LongRunningCommand(spec, logging, ops)
        .whenStopping(
            () -> {
              // --shutdown-delay is a deliberate pause, not a wait for a condition: the node's
              // pods keep getting answers while the DaemonSet's replacement starts (kubelet sends
              // SIGTERM first).
              log.info("stopping in {} ms", shutdownDelay.toMillis());
              Thread.sleep(shutdownDelay.toMillis());
            })
        .run(
            (registry, health, resources) -> {
              AgentProcess process =
                  resources.push(
                      AgentProcess.start(
                          config,
                          tokenFile == null ? null : new TokenFileCredentials(tokenFile),
                          registry,
                          Clock.systemUTC(),
                          health));
              // The agent has no pods until a server streams them, and no AWS identity.
              return "podium agent: metadata API on "
                  + process.metadataAddress()
                  + " for node "
                  + node
                  + (process.containerCredentialsAddresses().isEmpty()
                      ? ""
                      : ", container credentials on " + process.containerCredentialsAddresses())
                  + ", servers "
                  + config.servers().servers()
                  + ", region "
                  + (config.metadata().region() != null
                      ? config.metadata().region()
                      : "from " + config.metadata().upstream());
            });
  }

  private AgentProcess.Config config() {
    try {
      List<ServerAddress> addresses = new ArrayList<>();
      for (String server : servers) {
        HostPort address = HostPort.parse("--server", server, "podium-server.podium:8443");
        addresses.add(new ServerAddress(address.host(), address.port()));
      }
      MetadataSettings metadataSettings =
          metadata.settings(AutoDiscovery.isAuto(region) ? discoveredRegion : region);
      if (tokenFile != null && !Files.isReadable(tokenFile)) {
        throw new IllegalArgumentException("--token-file " + tokenFile + " cannot be read");
      }
      return new AgentProcess.Config(
          new ServerConnections.Settings(
              addresses,
              node == null || node.isBlank() ? null : node.strip(),
              lookupDeadline,
              pushWait,
              outageFloor,
              SessionDurations.DEFAULT_MIN_REMAINING,
              Duration.ofSeconds(30),
              new PodiumVersion().getVersion()[0]),
          tls.files(),
          tls.refresh,
          metadataSettings,
          interception
              .settings(metadataSettings.listen())
              .map(
                  rules ->
                      rules.withEndpointLink(
                          interception.endpointLink(
                              containerCredentials.listenAddresses(
                                  interception.managesTheNode())))),
          containerCredentials.settings(metadataSettings, interception.managesTheNode()),
          containerCredentials.checkIp);
    } catch (IllegalArgumentException e) {
      throw invalid(spec, e);
    }
  }
}
