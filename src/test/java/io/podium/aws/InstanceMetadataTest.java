package io.podium.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.podium.core.role.RoleBaseArn;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code --region auto} and {@code --role-base-arn auto} against a loopback metadata service. */
class InstanceMetadataTest {

  private HttpServer node;
  private final Map<String, String> answers = new ConcurrentHashMap<>();
  private volatile boolean tokens = true;
  private volatile String tokenSeen;

  @BeforeEach
  void start() throws IOException {
    node = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    node.createContext("/", this::answer);
    node.start();
  }

  @AfterEach
  void stop() {
    node.stop(0);
  }

  private void answer(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    int status;
    String body;
    if (path.equals("/latest/api/token")) {
      status = tokens && exchange.getRequestMethod().equals("PUT") ? 200 : 403;
      body = "a-token";
    } else {
      tokenSeen = exchange.getRequestHeaders().getFirst("X-aws-ec2-metadata-token");
      body = answers.get(path);
      status = body == null ? 404 : 200;
    }
    byte[] bytes = (body == null ? "" : body).getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private InstanceMetadata metadata() {
    return new InstanceMetadata(
        URI.create("http://127.0.0.1:" + node.getAddress().getPort()), Duration.ofSeconds(2));
  }

  @Test
  void readsTheRegionWithAnImdsV2Token() {
    answers.put("/latest/meta-data/placement/region", "eu-west-1");

    assertThat(metadata().region()).isEqualTo("eu-west-1");
    assertThat(tokenSeen).isEqualTo("a-token");
  }

  @Test
  void fallsBackToImdsV1WhereTokensAreRefused() {
    tokens = false;
    answers.put("/latest/meta-data/placement/region", "ap-southeast-2");

    assertThat(metadata().region()).isEqualTo("ap-southeast-2");
    assertThat(tokenSeen).isNull();
  }

  @Test
  void takesTheAccountOfTheInstanceProfileButNotItsPath() {
    answers.put(
        "/latest/meta-data/iam/info",
        "{\"Code\":\"Success\",\"InstanceProfileArn\":"
            + "\"arn:aws:iam::123456789012:instance-profile/nodes/eks-node\"}");

    assertThat(metadata().roleBaseArn()).isEqualTo(new RoleBaseArn("aws", "123456789012", "/"));
  }

  @Test
  void saysWhatFailedWhenTheNodeHasNoProfileOrNoRegion() {
    answers.put("/latest/meta-data/placement/region", "<html>proxy</html>");

    assertThatThrownBy(() -> metadata().roleBaseArn())
        .isInstanceOf(InstanceMetadata.InstanceMetadataException.class)
        .hasMessageContaining("iam/info answered HTTP 404");
    assertThatThrownBy(() -> metadata().region())
        .isInstanceOf(InstanceMetadata.InstanceMetadataException.class)
        .hasMessageContaining("not a region");
  }
}
