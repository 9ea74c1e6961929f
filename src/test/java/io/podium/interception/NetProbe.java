package io.podium.interception;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Raw HTTP/1.1 probes run inside a {@link NetworkLab} namespace, where the test JVM cannot open
 * sockets itself. Plain sockets, so that each connection is exactly what the test says it is:
 *
 * <ul>
 *   <li>{@code get HOST PORT PATH}: one request on a fresh connection; prints {@code STATUS body}
 *       or {@code ERROR ExceptionName}.
 *   <li>{@code keepalive}: one connection to 169.254.169.254:80; a request now ({@code FIRST ...}),
 *       another on the same connection when a line arrives on stdin ({@code SECOND ...}).
 *   <li>{@code watch}: asks 169.254.169.254 for the pod's credentials every 20 ms on a fresh
 *       connection and prints {@code epochMillis STATE} whenever the state changes: CREDENTIALS,
 *       REFUSED, TIMEOUT, RESET, or HTTP_nnn.
 * </ul>
 */
public final class NetProbe {

  private static final String METADATA = "169.254.169.254";

  private NetProbe() {}

  /** Status code and body of one response. */
  private record Response(int status, String body) {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "get" -> {
        try (Socket socket = connect(args[1], Integer.parseInt(args[2]))) {
          Response response = exchange(socket, args[3], true);
          System.out.println(response.status() + " " + response.body());
        } catch (IOException e) {
          System.out.println("ERROR " + e.getClass().getSimpleName());
        }
      }
      case "keepalive" -> keepAlive();
      case "watch" -> watch();
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  private static void keepAlive() throws IOException {
    BufferedReader commands =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try (Socket socket = connect(METADATA, 80)) {
      Response first = exchange(socket, "/latest/meta-data/instance-id", false);
      System.out.println("FIRST " + first.status() + " " + first.body());
      System.out.flush();
      commands.readLine();
      try {
        Response second = exchange(socket, "/latest/meta-data/instance-id", false);
        System.out.println("SECOND " + second.status() + " " + second.body());
      } catch (IOException e) {
        System.out.println("SECOND ERROR " + e.getClass().getSimpleName() + " " + e.getMessage());
      }
      System.out.flush();
    }
  }

  private static void watch() throws InterruptedException {
    AtomicReference<String> last = new AtomicReference<>("");
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    var _ =
        timer.scheduleWithFixedDelay(
            () -> {
              String state = credentialsState();
              if (!state.equals(last.getAndSet(state))) {
                System.out.println(System.currentTimeMillis() + " " + state);
                System.out.flush();
              }
            },
            0,
            20,
            TimeUnit.MILLISECONDS);
    timer.awaitTermination(1, TimeUnit.DAYS);
  }

  private static String credentialsState() {
    try {
      Response role;
      try (Socket socket = connect(METADATA, 80)) {
        role = exchange(socket, "/latest/meta-data/iam/security-credentials/", true);
      }
      if (role.status() != 200) {
        return "HTTP_" + role.status();
      }
      Response credentials;
      try (Socket socket = connect(METADATA, 80)) {
        credentials =
            exchange(socket, "/latest/meta-data/iam/security-credentials/" + role.body(), true);
      }
      if (credentials.status() == 200 && credentials.body().contains("\"AccessKeyId\"")) {
        return "CREDENTIALS " + role.body();
      }
      return "HTTP_" + credentials.status();
    } catch (ConnectException e) {
      return "REFUSED";
    } catch (SocketTimeoutException e) {
      return "TIMEOUT";
    } catch (IOException e) {
      return "RESET";
    }
  }

  private static Socket connect(String host, int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(host, port), 500);
    socket.setSoTimeout(2000);
    return socket;
  }

  /** One request on {@code socket}; reads the response by its Content-Length. */
  private static Response exchange(Socket socket, String path, boolean close) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(
        ("GET "
                + path
                + " HTTP/1.1\r\nHost: "
                + METADATA
                + "\r\n"
                + (close ? "Connection: close\r\n" : "")
                + "\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = socket.getInputStream();
    String statusLine = readLine(in);
    if (statusLine == null) {
      throw new IOException("connection closed before a response");
    }
    int length = 0;
    String header;
    while ((header = readLine(in)) != null && !header.isEmpty()) {
      int colon = header.indexOf(':');
      if (colon > 0 && header.substring(0, colon).equalsIgnoreCase("content-length")) {
        length = Integer.parseInt(header.substring(colon + 1).strip());
      }
    }
    byte[] body = in.readNBytes(length);
    return new Response(
        Integer.parseInt(statusLine.split(" ")[1]), new String(body, StandardCharsets.UTF_8));
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        return line.toString().stripTrailing();
      }
      line.append((char) c);
    }
    return line.isEmpty() ? null : line.toString();
  }
}
