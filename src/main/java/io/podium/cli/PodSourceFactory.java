package io.podium.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.podium.core.PodSource;
import io.podium.core.broker.Scheduler;
import io.podium.core.role.RoleBaseArn;
import io.podium.kubernetes.FilePodDirectory;
import io.podium.kubernetes.InformerPodDirectory;
import io.podium.kubernetes.InvalidPodsFileException;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;

/**
 * How a process opens its pod source once it has its clock, timers and registry: the pods file or
 * the cluster, chosen and validated by the command.
 */
@FunctionalInterface
interface PodSourceFactory {

  /** Opens the source; the caller starts and closes it. */
  PodSource open(Clock clock, Scheduler scheduler, PrometheusRegistry registry);

  /**
   * The pods file ({@code podium dev}, {@code --pods-file}), read at once; problems are only
   * logged.
   *
   * @param nodeAddresses the node's own addresses, refused as the node itself
   */
  static PodSourceFactory file(
      Path file, Optional<RoleBaseArn> roleBaseArn, Collection<InetAddress> nodeAddresses) {
    return (clock, scheduler, registry) ->
        new FilePodDirectory(
            file,
            roleBaseArn,
            nodeAddresses,
            FilePodDirectory.DEFAULT_POLL_INTERVAL,
            clock,
            scheduler);
  }

  /**
   * Reads and parses the pods file once, before anything starts.
   *
   * @throws picocli.CommandLine.ParameterException naming {@code --pods-file} and the problem
   */
  static void checkFile(CommandSpec command, Path file) {
    try {
      FilePodDirectory.check(file);
    } catch (InvalidPodsFileException e) {
      throw OptionErrors.invalid(command, "--pods-file " + e.file() + ": " + e.problem());
    }
  }

  /**
   * The cluster's informers, synced by {@code start}; problems become Events on the pods, sent as
   * {@code reportingInstance}.
   */
  static PodSourceFactory cluster(
      KubernetesClient client, InformerPodDirectory.Settings settings, String reportingInstance) {
    return (clock, scheduler, registry) ->
        InformerPodDirectory.reportingEvents(
            client, settings, reportingInstance, clock, scheduler, registry);
  }
}
