package io.podium.imds;

import io.podium.core.broker.Credentials;
import io.podium.core.broker.CredentialsRenderer;
import io.podium.core.broker.IssuedCredentials;
import io.podium.core.session.SessionRequest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Renders credentials into the EC2 metadata documents, in the field order and timestamp format EC2
 * uses ({@code yyyy-MM-ddTHH:mm:ssZ}, UTC, whole seconds: botocore parses exactly that). The broker
 * calls it once per refresh.
 */
public final class ImdsRenderer implements CredentialsRenderer<ImdsDocuments> {

  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private final JsonMapper json;

  public ImdsRenderer(JsonMapper json) {
    this.json = json;
  }

  @Override
  public ImdsDocuments render(
      SessionRequest request, IssuedCredentials issued, Instant obtainedAt) {
    Credentials credentials = issued.credentials();
    ObjectNode document = json.createObjectNode();
    document.put("Code", "Success");
    document.put("LastUpdated", timestamp(obtainedAt));
    document.put("Type", "AWS-HMAC");
    document.put("AccessKeyId", credentials.accessKeyId());
    document.put("SecretAccessKey", credentials.secretAccessKey());
    document.put("Token", credentials.sessionToken());
    document.put("Expiration", timestamp(credentials.expiration()));
    byte[] plain = json.writeValueAsBytes(document);
    document.put("AccountId", request.role().accountId());
    return new ImdsDocuments(plain, json.writeValueAsBytes(document));
  }

  /** EC2's timestamp form, truncated to whole seconds. */
  static String timestamp(Instant instant) {
    return TIMESTAMP.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }
}
