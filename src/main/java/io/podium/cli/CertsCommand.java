package io.podium.cli;

import static io.podium.cli.OptionErrors.invalid;

import io.podium.tls.CertificateAuthority;
import io.podium.tls.NodeNames;
import io.podium.tls.Pem;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code podium certs}: a CA and the server and agent certificates of the agent API, and the
 * admission webhook's serving certificate, for users without cert-manager. ECDSA P-256; agent
 * certificates carry their node as the URI SAN {@code spiffe://podium/node/<node>}.
 */
@Command(
    name = "certs",
    mixinStandardHelpOptions = true,
    versionProvider = PodiumVersion.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    header = "Create a CA and the certificates of podium server, podium agent and podium webhook.",
    description = {
      "",
      "Writes into --out: ca.crt and ca.key (created unless they exist, then reused),"
          + " server.crt/server.key when --server-dns or --server-ip is given,"
          + " webhook.crt/webhook.key when --webhook-dns or --webhook-ip is given (the API"
          + " server trusts it through ca.crt as the webhook's caBundle), and"
          + " agent-<node>.crt/agent-<node>.key for each --agent-node. Keys are PKCS#8 PEM,"
          + " readable by their owner only. With cert-manager, use deploy/cert-manager.yaml"
          + " instead.",
      ""
    },
    optionListHeading = "%nOptions:%n")
final class CertsCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      required = true,
      description = "Directory for the files (created if missing).")
  Path out;

  @Option(
      names = "--server-dns",
      paramLabel = "NAME",
      description =
          "A DNS name agents dial the server by (repeatable), e.g."
              + " podium-server.podium.svc.cluster.local.")
  List<String> serverDns = new ArrayList<>();

  @Option(
      names = "--server-ip",
      paramLabel = "IP",
      description = "An IP address agents dial the server by (repeatable), e.g. 127.0.0.1.")
  List<String> serverIps = new ArrayList<>();

  @Option(
      names = "--webhook-dns",
      paramLabel = "NAME",
      description =
          "A DNS name the API server dials the admission webhook by (repeatable), e.g."
              + " podium-webhook.podium.svc.")
  List<String> webhookDns = new ArrayList<>();

  @Option(
      names = "--webhook-ip",
      paramLabel = "IP",
      description = "An IP address the webhook is dialled by (repeatable), e.g. 127.0.0.1.")
  List<String> webhookIps = new ArrayList<>();

  @Option(
      names = "--agent-node",
      paramLabel = "NODE",
      description = "Issue an agent certificate for this node (repeatable).")
  List<String> agentNodes = new ArrayList<>();

  @Option(
      names = "--valid-for",
      paramLabel = "DURATION",
      defaultValue = "365d",
      converter = DurationConverter.class,
      description = "Validity of the server and agent certificates (default: ${DEFAULT-VALUE}).")
  Duration validFor;

  @Option(
      names = "--ca-valid-for",
      paramLabel = "DURATION",
      defaultValue = "3650d",
      converter = DurationConverter.class,
      description = "Validity of a new CA (default: ${DEFAULT-VALUE}).")
  Duration caValidFor;

  @Option(
      names = "--not-before",
      paramLabel = "INSTANT",
      description =
          "Start of validity, e.g. 2020-01-01T00:00:00Z (default: now). With --valid-for, makes"
              + " certificates with fixed dates, e.g. expired ones for tests.")
  String notBefore;

  @Override
  public Integer call() throws IOException, GeneralSecurityException {
    Instant start = parseInstant();
    if (validFor.isZero() || caValidFor.isZero()) {
      throw invalid(spec, "--valid-for and --ca-valid-for must be positive");
    }
    List<InetAddress> ips = ips("--server-ip", serverIps);
    List<InetAddress> webhookAddresses = ips("--webhook-ip", webhookIps);
    for (String node : agentNodes) {
      try {
        NodeNames.requireValid(node);
      } catch (IllegalArgumentException e) {
        throw invalid(spec, "--agent-node " + e.getMessage());
      }
    }
    Files.createDirectories(out);
    PrintWriter print = spec.commandLine().getOut();
    SecureRandom random = new SecureRandom();
    Path caCert = out.resolve("ca.crt");
    Path caKey = out.resolve("ca.key");
    CertificateAuthority ca;
    if (Files.exists(caCert) && Files.exists(caKey)) {
      ca = CertificateAuthority.of(Pem.readCertificates(caCert)[0], Pem.readKey(caKey), random);
      print.println("reusing CA " + caCert);
    } else {
      ca = CertificateAuthority.create("podium CA", start, start.plus(caValidFor), random);
      Pem.write(caKey, ca.key());
      Pem.write(caCert, ca.certificate());
      print.println("wrote CA " + caCert + " and " + caKey);
    }
    Instant end = start.plus(validFor);
    if (!serverDns.isEmpty() || !ips.isEmpty()) {
      String name = serverDns.isEmpty() ? ips.getFirst().getHostAddress() : serverDns.getFirst();
      CertificateAuthority.Issued server = ca.issueServer(name, serverDns, ips, start, end);
      write(server, "server", print);
    }
    if (!webhookDns.isEmpty() || !webhookAddresses.isEmpty()) {
      write(ca.issueWebhook(webhookDns, webhookAddresses, start, end), "webhook", print);
    }
    for (String node : agentNodes) {
      write(ca.issueAgent(node, start, end), "agent-" + node, print);
    }
    print.flush();
    return 0;
  }

  private void write(CertificateAuthority.Issued issued, String base, PrintWriter print)
      throws IOException {
    Path key = out.resolve(base + ".key");
    Path cert = out.resolve(base + ".crt");
    Pem.write(key, issued.key());
    Pem.write(cert, issued.certificate());
    print.println("wrote " + cert + " and " + key);
  }

  private List<InetAddress> ips(String option, List<String> values) {
    List<InetAddress> ips = new ArrayList<>();
    for (String ip : values) {
      try {
        ips.add(InetAddress.ofLiteral(ip.strip()));
      } catch (IllegalArgumentException e) {
        throw invalid(spec, option + " '" + ip + "' is not an IP address");
      }
    }
    return ips;
  }

  private Instant parseInstant() {
    if (notBefore == null) {
      // A minute back, so that a node whose clock lags a little accepts a certificate made now.
      return Instant.now().minusSeconds(60);
    }
    try {
      return Instant.parse(notBefore.strip());
    } catch (DateTimeParseException e) {
      throw invalid(
          spec, "--not-before '" + notBefore + "' is not an instant such as 2020-01-01T00:00:00Z");
    }
  }
}
