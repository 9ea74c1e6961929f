package io.podium.aws;

import static org.awaitility.Awaitility.await;

import io.podium.testing.SystemTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@code moto_server} subprocess on a free loopback port: a lenient third-party STS (no trust or
 * signature checks). It runs with a fresh HOME and no AWS settings, and records every request
 * (headers and form body) so that tests can see exactly what the SDK sent and who signed it.
 */
public final class MotoServer implements AutoCloseable {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/,\\s]+)/");

  private final Process process;
  private final Path home;
  private final int port;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private MotoServer(Process process, Path home, int port) {
    this.process = process;
    this.home = home;
    this.port = port;
  }

  /** Starts moto and waits until it accepts connections; retries if the port was taken. */
  public static MotoServer start() throws IOException {
    SystemTools.requirePrograms("moto_server");
    return start(List.of("moto_server"));
  }

  /**
   * Starts {@code command} (moto_server, or a script that runs moto's server) with {@code -H
   * 127.0.0.1 -p PORT} appended, and waits until it accepts connections.
   */
  public static MotoServer start(List<String> command) throws IOException {
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      Path home = Files.createTempDirectory("podium-moto-");
      int port = freePort();
      Process process = launch(command, home, port);
      try {
        await("moto_server on 127.0.0.1:" + port)
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> accepts(port) || !process.isAlive());
      } catch (RuntimeException e) {
        stop(process);
        throw e;
      }
      if (process.isAlive()) {
        return new MotoServer(process, home, port);
      }
      last = new IOException("moto_server exited: " + Files.readString(home.resolve("moto.log")));
      deleteTree(home);
    }
    throw last;
  }

  private static Process launch(List<String> command, Path home, int port) throws IOException {
    List<String> full = new java.util.ArrayList<>(command);
    full.addAll(List.of("-H", "127.0.0.1", "-p", String.valueOf(port)));
    ProcessBuilder builder = new ProcessBuilder(full);
    Map<String, String> env = builder.environment();
    String path = env.get("PATH");
    env.clear();
    env.put("PATH", path);
    env.put("HOME", home.toString());
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_DEFAULT_REGION", "us-east-1");
    env.put("AWS_CONFIG_FILE", home.resolve("no-aws-config").toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", home.resolve("no-aws-credentials").toString());
    env.put("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9");
    env.put("MOTO_ENABLE_RECORDING", "true");
    env.put("MOTO_RECORDER_FILEPATH", recording(home).toString());
    builder.directory(home.toFile());
    builder.redirectErrorStream(true);
    builder.redirectOutput(home.resolve("moto.log").toFile());
    return builder.start();
  }

  /** Where the SDK should send requests (every service on one port). */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Forgets every session, bucket, provider and recorded request. */
  public void reset() {
    post("/moto-api/reset");
    post("/moto-api/recorder/reset-recording");
  }

  /** Every request moto received since the last reset, in order. */
  List<RecordedRequest> requests() {
    try (Stream<String> lines = Files.lines(recording(home))) {
      return lines.filter(line -> !line.isBlank()).map(MotoServer::parse).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Requests with {@code Action=action}. */
  List<RecordedRequest> requests(String action) {
    return requests().stream().filter(r -> action.equals(r.form().get("Action"))).toList();
  }

  /** The access key id moto issued to the session of {@code roleArn}, from its model dump. */
  String accessKeyIdOfSession(String roleArn) {
    JsonNode data = JSON.readTree(get("/moto-api/data.json"));
    for (JsonNode role : data.path("sts").path("AssumedRole")) {
      if (roleArn.equals(role.path("role_arn").asString())) {
        return role.path("access_key_id").asString();
      }
    }
    throw new AssertionError("moto holds no session of " + roleArn);
  }

  @Override
  public void close() {
    stop(process);
    deleteTree(home);
  }

  /** One request as moto recorded it. */
  record RecordedRequest(Map<String, String> headers, Map<String, String> form) {

    /** The access key id that signed the request, from its SigV4 Authorization header. */
    String signingAccessKeyId() {
      Matcher matcher = CREDENTIAL.matcher(headers.getOrDefault("Authorization", ""));
      return matcher.find() ? matcher.group(1) : null;
    }
  }

  private static RecordedRequest parse(String line) {
    JsonNode entry = JSON.readTree(line);
    Map<String, String> headers = new LinkedHashMap<>();
    entry
        .path("headers")
        .properties()
        .forEach(h -> headers.put(h.getKey(), h.getValue().asString()));
    String body = entry.path("body").asString("");
    if (entry.path("body_encoded").asBoolean(false)) {
      body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
    }
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      form.put(
          URLDecoder.decode(key, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return new RecordedRequest(Map.copyOf(headers), Map.copyOf(form));
  }

  private void post(String path) {
    send(
        HttpRequest.newBuilder(endpoint().resolve(path)).POST(HttpRequest.BodyPublishers.noBody()));
  }

  private String get(String path) {
    return send(HttpRequest.newBuilder(endpoint().resolve(path)).GET());
  }

  private String send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response =
          http.send(
              request.timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "moto answered " + response.statusCode() + " to " + request.build().uri());
      }
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Path recording(Path home) {
    return home.resolve("recording.jsonl");
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void stop(Process process) {
    // The pyenv shim execs, so the handle is moto itself; its children (none expected) go too.
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A leftover temporary directory is harmless.
    }
  }
}
