package io.podium.testing;

import io.podium.tls.TlsFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The committed test certificates ({@code src/test/resources/tls}, made by its {@code generate.sh}
 * with {@code podium certs} and fixed dates), copied into a test's directory: {@code good} (CA,
 * server for localhost/127.0.0.1, agents of node-a and node-b, valid 2020-2119), {@code expired}
 * (node-a, same CA, expired in 2020) and {@code other-ca} (node-a from a CA nobody trusts).
 */
public final class TestCertificates {

  private final Path dir;

  private TestCertificates(Path dir) {
    this.dir = dir;
  }

  /** Copies every test certificate below {@code dir}. */
  public static TestCertificates copyTo(Path dir) throws IOException {
    for (String file :
        new String[] {
          "good/ca.crt",
          "good/ca.key",
          "good/server.crt",
          "good/server.key",
          "good/agent-node-a.crt",
          "good/agent-node-a.key",
          "good/agent-node-b.crt",
          "good/agent-node-b.key",
          "expired/agent-node-a.crt",
          "expired/agent-node-a.key",
          "other-ca/ca.crt",
          "other-ca/agent-node-a.crt",
          "other-ca/agent-node-a.key",
          "other-ca/server.crt",
          "other-ca/server.key"
        }) {
      Path target = dir.resolve(file);
      Files.createDirectories(target.getParent());
      try (InputStream in = TestCertificates.class.getResourceAsStream("/tls/" + file)) {
        if (in == null) {
          throw new IOException("missing test resource tls/" + file);
        }
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return new TestCertificates(dir);
  }

  public Path dir() {
    return dir;
  }

  public Path path(String file) {
    return dir.resolve(file);
  }

  /** The server's files (localhost, 127.0.0.1). */
  public TlsFiles server() {
    return new TlsFiles(path("good/server.crt"), path("good/server.key"), path("good/ca.crt"));
  }

  /** A good agent certificate for {@code node} (node-a or node-b). */
  public TlsFiles agent(String node) {
    return new TlsFiles(
        path("good/agent-" + node + ".crt"),
        path("good/agent-" + node + ".key"),
        path("good/ca.crt"));
  }

  /** node-a's certificate that expired in 2020, from the trusted CA. */
  public TlsFiles expiredAgent() {
    return new TlsFiles(
        path("expired/agent-node-a.crt"), path("expired/agent-node-a.key"), path("good/ca.crt"));
  }

  /** node-a's certificate from a CA the server does not trust. */
  public TlsFiles otherCaAgent() {
    return new TlsFiles(
        path("other-ca/agent-node-a.crt"), path("other-ca/agent-node-a.key"), path("good/ca.crt"));
  }
}
