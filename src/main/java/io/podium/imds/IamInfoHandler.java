package io.podium.imds;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.podium.core.CallerCredentials;
import io.podium.core.RoleOutcome;
import io.podium.core.role.RoleArn;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code iam/info}: EC2's instance-profile document, for the caller's role rather than the node's.
 * There is no real instance profile; its ARN mirrors the role's path and name, and its id is a
 * stable hash of the role ARN in the {@code AIPA…} form, so that tools that print or compare it see
 * one value per role.
 */
final class IamInfoHandler implements RouteHandler {

  private static final HexFormat HEX = HexFormat.of().withUpperCase();

  private final CallerCredentials<ImdsDocuments> callers;
  private final JsonMapper json;
  private final String lastUpdated;

  IamInfoHandler(CallerCredentials<ImdsDocuments> callers, JsonMapper json, Instant startedAt) {
    this.callers = callers;
    this.json = json;
    this.lastUpdated = ImdsRenderer.timestamp(startedAt);
  }

  @Override
  public void handle(Exchange exchange) {
    exchange.await(
        callers.role(exchange.caller()),
        (outcome, error) -> {
          if (error != null) {
            exchange.fail(error);
          } else if (outcome instanceof RoleOutcome.Permitted permitted) {
            exchange.send(
                Exchange.response(
                    HttpResponseStatus.OK, Unpooled.wrappedBuffer(document(permitted.role()))),
                null);
          } else {
            exchange.refuse(outcome);
          }
        });
  }

  private byte[] document(RoleArn role) {
    ObjectNode info = json.createObjectNode();
    info.put("Code", "Success");
    info.put("LastUpdated", lastUpdated);
    info.put("InstanceProfileArn", instanceProfileArn(role));
    info.put("InstanceProfileId", instanceProfileId(role));
    return json.writeValueAsBytes(info);
  }

  static String instanceProfileArn(RoleArn role) {
    return "arn:"
        + role.partition()
        + ":iam::"
        + role.accountId()
        + ":instance-profile"
        + role.path()
        + role.name();
  }

  /** {@code AIPA} and 17 upper-case hex digits of the role ARN's SHA-256: 21 characters. */
  static String instanceProfileId(RoleArn role) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(role.toString().getBytes(StandardCharsets.UTF_8));
      return "AIPA" + HEX.formatHex(hash).substring(0, 17);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }
}
