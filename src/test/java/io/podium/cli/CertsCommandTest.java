package io.podium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.tls.NodeNames;
import io.podium.tls.Pem;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CertsCommandTest {

  @TempDir Path dir;

  private int run(String... args) {
    CommandLine commandLine = PodiumCommand.commandLine();
    commandLine.setOut(new PrintWriter(new StringWriter()));
    commandLine.setErr(new PrintWriter(new StringWriter()));
    return commandLine.execute(args);
  }

  @Test
  void writesACaAndCertificatesSignedByItWithPrivateKeysForTheOwnerOnly() throws Exception {
    Path out = dir.resolve("certs");
    int code =
        run(
            "certs",
            "--out",
            out.toString(),
            "--server-dns",
            "podium-server.podium.svc",
            "--server-ip",
            "127.0.0.1",
            "--agent-node",
            "node-1");

    assertThat(code).isZero();
    X509Certificate ca = Pem.readCertificates(out.resolve("ca.crt"))[0];
    X509Certificate server = Pem.readCertificates(out.resolve("server.crt"))[0];
    X509Certificate agent = Pem.readCertificates(out.resolve("agent-node-1.crt"))[0];
    server.verify(ca.getPublicKey());
    agent.verify(ca.getPublicKey());
    assertThat(NodeNames.nodeOf(agent)).contains("node-1");
    assertThat(server.getSubjectAlternativeNames().toString())
        .contains("podium-server.podium.svc", "127.0.0.1", NodeNames.SERVER_URI);
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(out.resolve("agent-node-1.key"))))
        .isEqualTo("rw-------");
    assertThat(Pem.readKey(out.resolve("agent-node-1.key")).getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void reusesAnExistingCaForMoreAgents() throws Exception {
    Path out = dir.resolve("certs");
    run("certs", "--out", out.toString(), "--agent-node", "node-1");
    byte[] ca = Files.readAllBytes(out.resolve("ca.crt"));

    run("certs", "--out", out.toString(), "--agent-node", "node-2");

    assertThat(Files.readAllBytes(out.resolve("ca.crt"))).isEqualTo(ca);
    Pem.readCertificates(out.resolve("agent-node-2.crt"))[0].verify(
        Pem.readCertificates(out.resolve("ca.crt"))[0].getPublicKey());
  }

  @Test
  void issuesTheWebhooksServingCertificateForItsServiceNamesWithoutTheAgentApisUri()
      throws Exception {
    Path out = dir.resolve("certs");
    int code =
        run(
            "certs",
            "--out",
            out.toString(),
            "--webhook-dns",
            "podium-webhook.podium.svc",
            "--webhook-ip",
            "127.0.0.1");

    assertThat(code).isZero();
    X509Certificate ca = Pem.readCertificates(out.resolve("ca.crt"))[0];
    X509Certificate webhook = Pem.readCertificates(out.resolve("webhook.crt"))[0];
    webhook.verify(ca.getPublicKey());
    assertThat(webhook.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(webhook.getSubjectAlternativeNames().toString())
        .contains("podium-webhook.podium.svc", "127.0.0.1")
        .doesNotContain(NodeNames.SERVER_URI);
    assertThat(Files.exists(out.resolve("server.crt"))).isFalse();
  }

  @Test
  void refusesAnInvalidNodeNameWithUsageError() {
    assertThat(run("certs", "--out", dir.toString(), "--agent-node", "Bad_Node")).isEqualTo(2);
  }
}
