package io.podium.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Issuers IAM accepts, and those it refuses with the reason. */
class IssuerUrlTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "http://oidc.example.com|IAM trusts only https issuers",
        "oidc.example.com|IAM trusts only https issuers",
        "https://oidc.example.com:8443|IAM refuses a port",
        "https://oidc.example.com/prod?cluster=a|IAM refuses a query",
        "https://oidc.example.com/prod#x|may not have a fragment",
        "https://user@oidc.example.com|user name",
        "https:///prod|names no host",
      })
  void refusesWhatIamWouldRefuseWithTheReason(String issuer, String reason) {
    assertThatThrownBy(() -> IssuerUrl.parse(issuer))
        .isInstanceOf(InvalidIssuerException.class)
        .hasMessageContaining("would be refused by IAM")
        .hasMessageContaining(reason);
  }

  @Test
  void acceptsHostAndPathAndNamesTheProviderWithoutScheme() {
    IssuerUrl issuer = IssuerUrl.parse("https://my-oidc.s3.eu-west-1.amazonaws.com/prod");

    assertThat(issuer.providerName()).isEqualTo("my-oidc.s3.eu-west-1.amazonaws.com/prod");
    assertThat(issuer.providerArn("aws", "123456789012"))
        .isEqualTo(
            "arn:aws:iam::123456789012:oidc-provider/my-oidc.s3.eu-west-1.amazonaws.com/prod");
    assertThat(issuer.discoveryUri().toString())
        .isEqualTo(
            "https://my-oidc.s3.eu-west-1.amazonaws.com/prod/.well-known/openid-configuration");
    assertThat(issuer.defaultJwksUri().toString())
        .isEqualTo("https://my-oidc.s3.eu-west-1.amazonaws.com/prod/openid/v1/jwks");
  }

  @Test
  void warnsWhenTheClusterTokensCarryAnotherIssuer() {
    IssuerUrl issuer = IssuerUrl.parse("https://oidc.example.com");

    assertThat(
            IssuerChecks.warnIfTokensDisagree(
                issuer, Optional.of("https://kubernetes.default.svc")))
        .get()
        .asString()
        .contains("differs from the iss of the cluster's tokens")
        .contains("--service-account-issuer");
    assertThat(IssuerChecks.warnIfTokensDisagree(issuer, Optional.of("https://oidc.example.com")))
        .isEmpty();
  }
}
