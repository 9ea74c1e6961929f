package io.podium.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.podium.oidc.ApiServerKeys;
import io.podium.oidc.InvalidIssuerException;
import io.podium.oidc.IssuerUrl;
import io.podium.oidc.KeyFiles;
import io.podium.oidc.KeySource;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Which issuer, and where its signing keys come from: the key files the API server is given, or the
 * API server itself. Mixed into every {@code podium oidc} subcommand.
 */
final class OidcIssuerOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(
      names = "--issuer",
      paramLabel = "URL",
      description =
          "The issuer: the API server's --service-account-issuer, exactly (https, no port, no"
              + " query). Default with the API server as source: the issuer it reports.")
  String issuer;

  @Option(
      names = "--jwks-uri",
      paramLabel = "URL",
      description =
          "Where the JWKS is served (the API server's --service-account-jwks-uri). Default:"
              + " the issuer + /openid/v1/jwks.")
  String jwksUri;

  @Option(
      names = "--signing-key-file",
      paramLabel = "FILE",
      description =
          "PEM file of a service-account signing key: a public key, a certificate or the private"
              + " key (only its public half is used). Repeatable: during a rotation give the"
              + " current and the previous key. Without it, keys are read from the API server.")
  List<Path> signingKeyFiles = new ArrayList<>();

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description =
          "Read the keys from this cluster's API server (GET /.well-known/openid-configuration"
              + " and /openid/v1/jwks). Without it and without --signing-key-file: the in-cluster"
              + " service account, else $KUBECONFIG or ~/.kube/config.")
  Path kubeconfig;

  /** Where the keys come from; its client, if any, is closed with the returned closeable. */
  record Source(KeySource keys, AutoCloseable resources) {}

  /**
   * The validated key source.
   *
   * @throws ParameterException when the options contradict each other or name missing files
   */
  Source source() {
    if (!signingKeyFiles.isEmpty()) {
      if (kubeconfig != null) {
        throw invalid("--signing-key-file and --kubeconfig are two key sources: give one of them");
      }
      for (Path file : signingKeyFiles) {
        if (!Files.isReadable(file)) {
          throw invalid("--signing-key-file " + file + " does not exist or cannot be read");
        }
      }
      if (issuer == null) {
        throw invalid(
            "--issuer is required with --signing-key-file: give the API server's"
                + " --service-account-issuer");
      }
      return new Source(new KeyFiles(signingKeyFiles), () -> {});
    }
    if (kubeconfig != null && !Files.isReadable(kubeconfig)) {
      throw invalid("--kubeconfig " + kubeconfig + " does not exist or cannot be read");
    }
    KubernetesClient client = client();
    return new Source(new ApiServerKeys(client), client);
  }

  /** The issuer given, checked as IAM would. */
  Optional<IssuerUrl> issuer() {
    if (issuer == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(IssuerUrl.parse(issuer));
    } catch (InvalidIssuerException e) {
      throw invalid("--issuer: " + e.getMessage());
    }
  }

  /**
   * The issuer given, else the one the API server reports, checked as IAM would.
   *
   * @throws ParameterException when neither is there or IAM would refuse it
   */
  IssuerUrl issuer(KeySource.Keys keys) {
    Optional<IssuerUrl> given = issuer();
    if (given.isPresent()) {
      return given.get();
    }
    String reported =
        keys.clusterIssuer()
            .orElseThrow(
                () -> invalid("--issuer is required: the key source does not report an issuer"));
    try {
      return IssuerUrl.parse(reported);
    } catch (InvalidIssuerException e) {
      throw invalid(
          "the API server's issuer cannot be used: "
              + e.getMessage()
              + " (set its --service-account-issuer, or give --issuer)");
    }
  }

  /** The JWKS URI given, else the issuer's default. */
  URI jwksUri(IssuerUrl issuerUrl) {
    if (jwksUri == null) {
      return issuerUrl.defaultJwksUri();
    }
    URI uri;
    try {
      uri = URI.create(jwksUri.strip());
    } catch (IllegalArgumentException e) {
      throw invalid("--jwks-uri '" + jwksUri + "' is not a URL");
    }
    if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
      throw invalid("--jwks-uri must be an https URL, e.g. " + issuerUrl.defaultJwksUri());
    }
    return uri;
  }

  private KubernetesClient client() {
    Config config;
    if (kubeconfig != null) {
      try {
        config = Config.fromKubeconfig(kubeconfig.toFile());
      } catch (KubernetesClientException e) {
        throw invalid(
            "--kubeconfig " + kubeconfig + " is not a usable kubeconfig: " + e.getMessage());
      }
    } else {
      config = Config.autoConfigure(null);
    }
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  ParameterException invalid(String message) {
    return OptionErrors.invalid(command, message);
  }
}
