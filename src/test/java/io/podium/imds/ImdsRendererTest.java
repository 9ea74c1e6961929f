package io.podium.imds;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.core.broker.Credentials;
import io.podium.core.broker.IssuedCredentials;
import io.podium.core.role.RoleArn;
import io.podium.core.session.SessionRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The credentials documents, rendered once per refresh. */
class ImdsRendererTest {

  private final JsonMapper json = JsonMapper.builder().build();
  private final ImdsRenderer renderer = new ImdsRenderer(json);
  private final RoleArn role = RoleArn.parse("arn:aws-cn:iam::123456789012:role/path/reader");
  private final Credentials credentials =
      new Credentials(
          "ASIAEXAMPLE",
          "secret\"with\\quotes",
          "token/+=",
          Instant.parse("2031-06-07T08:09:10.999Z"));

  @Test
  void rendersEc2sDocumentWithSecondPrecisionUtcTimestamps() {
    ImdsDocuments documents = render(Instant.parse("2031-06-07T07:09:10.123456789Z"));

    JsonNode document = json.readTree(documents.credentials());
    assertThat(document.get("LastUpdated").asString()).isEqualTo("2031-06-07T07:09:10Z");
    assertThat(document.get("Expiration").asString()).isEqualTo("2031-06-07T08:09:10Z");
    assertThat(document.get("SecretAccessKey").asString()).isEqualTo("secret\"with\\quotes");
    assertThat(document.get("Token").asString()).isEqualTo("token/+=");
    assertThat(document.has("AccountId")).isFalse();
    assertThat(new String(documents.credentials(), StandardCharsets.UTF_8))
        .startsWith("{\"Code\":\"Success\",\"LastUpdated\":");
  }

  @Test
  void addsTheRolesAccountToTheExtendedDocument() {
    JsonNode extended = json.readTree(render(Instant.EPOCH).extended());

    assertThat(extended.get("AccountId").asString()).isEqualTo("123456789012");
    assertThat(extended.get("AccessKeyId").asString()).isEqualTo("ASIAEXAMPLE");
  }

  @Test
  void neverShowsTheDocumentsInToString() {
    assertThat(render(Instant.EPOCH).toString())
        .doesNotContain("secret")
        .doesNotContain("token")
        .contains("redacted");
  }

  private ImdsDocuments render(Instant obtainedAt) {
    return renderer.render(
        SessionRequest.of(role, "session", Duration.ofHours(1)),
        new IssuedCredentials(credentials, "arn:aws-cn:sts::123456789012:assumed-role/reader/s"),
        obtainedAt);
  }
}
