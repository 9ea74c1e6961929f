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
 * uses ({@code yyyy-MM-ddTHH:mm:ssZ}, UTC, whole seconds: botocore parses exactly that), and into
 * the container-credentials document in the EKS Pod Identity agent's fields and order ({@code
 * AccessKeyId, SecretAccessKey, Token, AccountId, Expiration}; the same timestamp, which is RFC
 * 3339). The broker calls it once per refresh.
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
    byte[] extended = json.writeValueAsBytes(document);
    ObjectNode container = json.createObjectNode();
    container.put("AccessKeyId", credentials.accessKeyId());
    container.put("SecretAccessKey", credentials.secretAccessKey());
    container.put("Token", credentials.sessionToken());
    container.put("AccountId", request.role().accountId());
    container.put("Expiration", timestamp(credentials.expiration()));
    return new ImdsDocuments(plain, extended, json.writeValueAsBytes(container));
  }

  /** EC2's timestamp form, truncated to whole seconds. */
  public static String timestamp(Instant instant) {
    return TIMESTAMP.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }
}
