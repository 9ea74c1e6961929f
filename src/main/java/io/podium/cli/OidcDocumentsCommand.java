package io.podium.cli;

import io.podium.oidc.IssuerChecks;
import io.podium.oidc.IssuerDocuments;
import io.podium.oidc.IssuerUrl;
import io.podium.oidc.KeySource;
import io.podium.oidc.KeySourceException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code podium oidc documents}: writes the discovery document and the JWKS to a directory. */
@Command(
    name = "documents",
    mixinStandardHelpOptions = true,
    versionProvider = PodiumVersion.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    header = "Write the issuer's discovery document and JWKS to a directory.",
    description = {
      "",
      "Writes the discovery document and the JWKS under DIR at the paths of their URLs"
          + " (issuer https://HOST/PATH: DIR/PATH/.well-known/openid-configuration and, by"
          + " default, DIR/PATH/openid/v1/jwks), laid out as they must be served, for any static"
          + " host. Each key's kid is the API server's (base64url of the SHA-256"
          + " of its DER public key), use sig, alg RS256 for RSA and ES256/384/512 for EC.",
      ""
    },
    optionListHeading = "%nOptions:%n",
    footerHeading = "%nExamples:%n",
    footer = {
      "  podium oidc documents --issuer https://oidc.example.com/prod \\",
      "      --signing-key-file sa.pub --signing-key-file sa-previous.pub --output-dir out",
      "  podium oidc documents --kubeconfig ~/.kube/config --output-dir out"
    })
final class OidcDocumentsCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin LoggingOptions logging;
  @Mixin OidcIssuerOptions issuerOptions;

  @Option(
      names = "--output-dir",
      paramLabel = "DIR",
      required = true,
      description = "Directory to write into (created if missing).")
  Path outputDir;

  @Override
  public Integer call() throws Exception {
    logging.apply();
    OidcIssuerOptions.Source source = issuerOptions.source();
    try (AutoCloseable _ = source.resources()) {
      KeySource.Keys keys;
      try {
        keys = source.keys().read();
      } catch (KeySourceException e) {
        spec.commandLine().getErr().println("podium oidc documents: " + e.getMessage());
        return 1;
      }
      IssuerUrl issuer = issuerOptions.issuer(keys);
      URI jwksUri = issuerOptions.jwksUri(issuer);
      IssuerChecks.warnIfTokensDisagree(issuer, keys.clusterIssuer())
          .ifPresent(warning -> spec.commandLine().getErr().println("warning: " + warning));
      IssuerDocuments documents = new IssuerDocuments(issuer, jwksUri, keys.keys());
      Path discovery = write(issuer.discoveryUri().getPath(), documents.discoveryJson());
      Path jwks = write(jwksUri.getPath(), documents.jwksJson());
      PrintWriter out = spec.commandLine().getOut();
      out.println("Wrote " + discovery + " (serve it at " + issuer.discoveryUri() + ")");
      out.println("Wrote " + jwks + " (serve it at " + jwksUri + ")");
      keys.keys()
          .forEach(
              key ->
                  out.println("  key " + key.getKeyID() + " " + key.getAlgorithm() + " use=sig"));
      out.flush();
      return 0;
    }
  }

  private Path write(String urlPath, byte[] body) throws IOException {
    Path file = outputDir.resolve(urlPath.startsWith("/") ? urlPath.substring(1) : urlPath);
    if (!file.normalize().startsWith(outputDir.normalize())) {
      throw OptionErrors.invalid(spec, "the JWKS URI's path leaves --output-dir: " + urlPath);
    }
    Files.createDirectories(file.getParent());
    Files.write(file, body);
    return file;
  }
}
