package io.podium.oidc;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * A service-account issuer that IAM accepts as an OIDC provider URL: {@code https}, a host, no
 * port, no query and no fragment (IAM's rules for {@code CreateOpenIDConnectProvider}; the API
 * server itself refuses a query or a fragment too). It must equal, character for character, the
 * {@code iss} of the cluster's tokens and the API server's {@code --service-account-issuer}.
 *
 * @param uri the issuer, exactly as tokens carry it
 */
public record IssuerUrl(URI uri) {

  /** IAM's limit on an OIDC provider URL. */
  static final int MAX_LENGTH = 255;

  /** Where the API server serves the discovery document, relative to the issuer. */
  public static final String DISCOVERY_PATH = "/.well-known/openid-configuration";

  /** Where the API server serves the JWKS unless {@code --service-account-jwks-uri} says else. */
  public static final String JWKS_PATH = "/openid/v1/jwks";

  /**
   * Checks an issuer the way IAM would.
   *
   * @throws InvalidIssuerException saying what IAM would refuse and what to write instead
   */
  public static IssuerUrl parse(String text) {
    String issuer = text == null ? "" : text.strip();
    URI uri;
    try {
      uri = new URI(issuer);
    } catch (URISyntaxException e) {
      throw refused(issuer, "it is not a URL (" + e.getReason() + ")");
    }
    if (!"https".equals(uri.getScheme())) {
      throw refused(issuer, "IAM trusts only https issuers; write it as https://HOST[/PATH]");
    }
    if (uri.getRawAuthority() == null || uri.getHost() == null || uri.getHost().isEmpty()) {
      throw refused(issuer, "it names no host");
    }
    if (uri.getRawUserInfo() != null) {
      throw refused(issuer, "it carries a user name; leave it out");
    }
    if (uri.getPort() != -1) {
      throw refused(
          issuer, "IAM refuses a port in an OIDC provider URL; serve the documents on 443");
    }
    if (uri.getRawQuery() != null) {
      throw refused(issuer, "IAM refuses a query (?...) in an OIDC provider URL");
    }
    if (uri.getRawFragment() != null) {
      throw refused(issuer, "an issuer may not have a fragment (#...)");
    }
    if (issuer.length() > MAX_LENGTH) {
      throw refused(issuer, "IAM allows at most " + MAX_LENGTH + " characters");
    }
    return new IssuerUrl(uri);
  }

  /**
   * The issuer as IAM names the provider: without {@code https://}, e.g. {@code
   * oidc.example.com/cluster}; trust policies use it as the prefix of their condition keys.
   */
  public String providerName() {
    String text = uri.toString().substring("https://".length());
    return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
  }

  /** {@code arn:<partition>:iam::<account>:oidc-provider/<providerName>}. */
  public String providerArn(String partition, String accountId) {
    return "arn:" + partition + ":iam::" + accountId + ":oidc-provider/" + providerName();
  }

  /** The issuer's URL with {@code path} appended, without doubling a slash. */
  public URI resolve(String path) {
    String base = uri.toString();
    return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
  }

  /** Where relying parties look for the discovery document. */
  public URI discoveryUri() {
    return resolve(DISCOVERY_PATH);
  }

  /** The API server's default {@code jwks_uri}: the issuer plus {@code /openid/v1/jwks}. */
  public URI defaultJwksUri() {
    return resolve(JWKS_PATH);
  }

  @Override
  public String toString() {
    return uri.toString();
  }

  private static InvalidIssuerException refused(String issuer, String reason) {
    return new InvalidIssuerException(
        "issuer '" + abbreviate(issuer) + "' would be refused by IAM: " + reason);
  }

  private static String abbreviate(String text) {
    return text.length() <= 300 ? text : text.substring(0, 300) + "…";
  }
}
