package io.podium.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One metadata request per connection from a source address the test chooses (a "pod" at 127.0.0.2,
 * say), which no HTTP client library offers: enough for status and body.
 */
public final class ImdsClient {

  /** A response's status and body. */
  public record Response(int status, String body) {}

  private ImdsClient() {}

  /** {@code GET path} from {@code source} to 127.0.0.1:{@code port}, within 3 s. */
  public static Response get(String source, int port, String path) throws IOException {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
      socket.setSoTimeout(3000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET " + path + " HTTP/1.1\r\nHost: 169.254.169.254\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      String text = all.toString(StandardCharsets.ISO_8859_1);
      int status = Integer.parseInt(text.split(" ", 3)[1]);
      int bodyStart = text.indexOf("\r\n\r\n");
      return new Response(status, bodyStart < 0 ? "" : text.substring(bodyStart + 4));
    }
  }
}
