package io.podium.interception;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Executors;
import tools.jackson.databind.json.JsonMapper;

/**
 * The "real" instance metadata service of a {@link NetworkLab} node: listens on 169.254.169.254:80
 * and [fd00:ec2::254]:80 inside the node namespace, answers like EC2 for the node's own role
 * ({@value #NODE_ROLE}), and prints one JSON line per request with its source address, so that a
 * test can prove no pod ever reached it. Run with {@code ip netns exec}.
 */
public final class CanaryImds {

  static final String NODE_ROLE = "node-role";
  static final String NODE_ACCESS_KEY_ID = "ASIACANARYNODEROLE01";

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private CanaryImds() {}

  public static void main(String[] args) throws IOException {
    for (String address : new String[] {"169.254.169.254", "fd00:ec2::254"}) {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.ofLiteral(address), 80), 64);
      server.createContext("/", CanaryImds::answer);
      // Keep-alive connections hold a thread each: never let one block the others.
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.start();
    }
    System.out.println("LISTENING");
    System.out.flush();
  }

  private static void answer(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    synchronized (System.out) {
      System.out.println(
          JSON.writeValueAsString(
              java.util.Map.of(
                  "source",
                  exchange.getRemoteAddress().getAddress().getHostAddress(),
                  "method",
                  method,
                  "path",
                  path)));
      System.out.flush();
    }
    exchange.getRequestBody().readAllBytes();
    String body =
        switch (path) {
          case "/latest/api/token" -> method.equals("PUT") ? "canary-token" : null;
          case "/latest/meta-data/iam/security-credentials/" -> NODE_ROLE;
          case "/latest/meta-data/iam/security-credentials/" + NODE_ROLE -> nodeCredentials();
          case "/latest/meta-data/instance-id" -> "i-0canary000000000";
          case "/latest/meta-data/placement/region" -> "us-east-1";
          case "/latest/meta-data/placement/availability-zone" -> "us-east-1a";
          default -> null;
        };
    byte[] bytes = (body == null ? "not found" : body).getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String nodeCredentials() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    return JSON.writeValueAsString(
        java.util.Map.of(
            "Code", "Success",
            "LastUpdated", now.toString(),
            "Type", "AWS-HMAC",
            "AccessKeyId", NODE_ACCESS_KEY_ID,
            "SecretAccessKey", "the-node-secret-no-pod-may-see",
            "Token", "the-node-token",
            "Expiration", now.plus(6, ChronoUnit.HOURS).toString()));
  }
}
