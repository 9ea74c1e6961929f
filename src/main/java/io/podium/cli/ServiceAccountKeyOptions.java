package io.podium.cli;

import static io.podium.cli.OptionErrors.invalid;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.podium.containercredentials.KeyRefresher;
import io.podium.oidc.ApiServerKeys;
import io.podium.oidc.KeyFiles;
import io.podium.oidc.KeySource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Where the cluster's service-account signing keys come from, for verifying the tokens pods present
 * to the container-credentials endpoint ({@code podium standalone}) or that the servers push to
 * their agents ({@code podium server}): the API server's own JWKS by default, or key files.
 */
final class ServiceAccountKeyOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(
      names = "--service-account-key-file",
      paramLabel = "FILE",
      description =
          "A PEM file of the cluster's service-account public keys (what kube-apiserver's"
              + " --service-account-key-file is given; repeatable). Without it, the keys are read"
              + " from the API server (/openid/v1/jwks; RBAC: system:service-account-issuer-discovery).")
  List<Path> keyFiles = new ArrayList<>();

  @Option(
      names = "--service-account-issuer",
      paramLabel = "URL",
      description =
          "The iss a token must carry (kube-apiserver's --service-account-issuer; repeatable)."
              + " Default: the issuer the API server reports; with key files, any issuer (the"
              + " keys alone decide).")
  List<String> issuers = new ArrayList<>();

  @Option(
      names = "--service-account-keys-refresh",
      paramLabel = "DURATION",
      defaultValue = "5m",
      converter = DurationConverter.class,
      description =
          "How often the keys are read again, to follow rotations (default: ${DEFAULT-VALUE}); a"
              + " token signed by a key not known yet makes them be read within 10s.")
  Duration refresh;

  /** Whether keys come from files (the API server is then not asked). */
  boolean fromFiles() {
    return !keyFiles.isEmpty();
  }

  /** Checks what can be checked before anything starts. */
  void validate() {
    for (Path file : keyFiles) {
      if (!Files.isReadable(file)) {
        throw invalid(command, "--service-account-key-file " + file + " cannot be read");
      }
    }
    if (refresh.compareTo(Duration.ofSeconds(10)) < 0) {
      throw invalid(command, "--service-account-keys-refresh must be at least 10s");
    }
  }

  /** The reader of the key files, which needs no cluster. */
  KeyRefresher.Reader fileReader() {
    return reader(new KeyFiles(keyFiles));
  }

  /** The reader of the keys: the files when given, else the API server of {@code client}. */
  KeyRefresher.Reader reader(KubernetesClient client) {
    return fromFiles() ? fileReader() : reader(new ApiServerKeys(client));
  }

  /** What the keys are read from, for log lines. */
  String describe(KubernetesClient client) {
    return fromFiles() ? new KeyFiles(keyFiles).describe() : new ApiServerKeys(client).describe();
  }

  private KeyRefresher.Reader reader(KeySource source) {
    Set<String> configured = new LinkedHashSet<>(issuers.stream().map(String::strip).toList());
    return () -> {
      KeySource.Keys keys = source.read();
      Set<String> accepted =
          configured.isEmpty() ? keys.clusterIssuer().map(Set::of).orElse(Set.of()) : configured;
      return new KeyRefresher.Keys(keys.keys(), accepted);
    };
  }
}
