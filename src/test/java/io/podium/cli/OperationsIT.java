package io.podium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podium.stsemulator.BootstrapCredentials;
import io.podium.stsemulator.StsEmulator;
import io.podium.testing.DocumentedMetrics;
import io.podium.testing.ImdsClient;
import io.podium.testing.JsonLogs;
import io.podium.testing.PodiumProcess;
import io.podium.testing.Scrape;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import tools.jackson.databind.JsonNode;

/**
 * What a platform team sees of a real run, through standalone and through agent and server: the
 * documented metrics with the values the scripted traffic implies, scraped over HTTP; the probes;
 * JSON logs with the documented MDC keys only; one structured audit record per credential handed to
 * a pod (the same pod asking again is counted, not recorded); and no secret key or session token in
 * any log line, audit record or metric.
 */
class OperationsIT {

  static final String PODS =
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: shop
        annotations:
          iam.amazonaws.com/permitted: "shop-.*"
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
        namespace: shop
        uid: 3d1c7a52-0000-4000-8000-000000000001
        annotations:
          iam.amazonaws.com/role: shop-web
      spec:
        nodeName: node-1
      status:
        phase: Running
        podIPs:
          - ip: 127.0.0.1
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: batch
        namespace: shop
        uid: 3d1c7a52-0000-4000-8000-000000000002
      spec:
        nodeName: node-1
      status:
        phase: Running
        podIPs:
          - ip: 127.0.0.2
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: db
        namespace: shop
        uid: 3d1c7a52-0000-4000-8000-000000000003
        annotations:
          iam.amazonaws.com/role: shop-db
      spec:
        nodeName: node-2
      status:
        phase: Running
        podIPs:
          - ip: 127.0.0.3
      """;

  /** The MDC keys docs/operations.md lists; a log line with any other is a finding. */
  static final Set<String> DOCUMENTED_MDC_KEYS =
      Set.of(
          "pod.namespace",
          "pod.name",
          "pod.uid",
          "pod.node",
          "iam.role",
          "iam.session_name",
          "credentials.access_key_id",
          "credentials.expiration",
          "imds.route");

  private static final String CREDENTIALS = "/latest/meta-data/iam/security-credentials/";

  @TempDir Path workDir;

  @Test
  void standaloneExportsTheDocumentedMetricsAndAuditsEveryCredentialWithoutASecret()
      throws Exception {
    Path pods = workDir.resolve("pods.yaml");
    Files.writeString(pods, PODS);
    int imdsPort = PodiumProcess.freePort();
    int metricsPort = PodiumProcess.freePort();
    BootstrapCredentials bootstrap = BootstrapCredentials.devDefaults();
    try (StsEmulator sts = StsEmulator.builder().bootstrapCredentials(bootstrap).build()) {
      InetSocketAddress stsAddress = sts.start(new InetSocketAddress("127.0.0.1", 0));
      try (PodiumProcess podium =
          PodiumProcess.start(
              workDir,
              List.of(
                  "standalone",
                  "--pods-file",
                  pods.toString(),
                  "--region",
                  "us-east-1",
                  "--sts-endpoint",
                  "http://127.0.0.1:" + stsAddress.getPort(),
                  "--role-base-arn",
                  "arn:aws:iam::123456789012:role/",
                  "--container-credentials-listen",
                  "none",
                  "--imds-listen",
                  "127.0.0.1:" + imdsPort,
                  "--metadata-upstream",
                  "none",
                  "--metrics-listen",
                  "127.0.0.1:" + metricsPort),
              AgentServerIT.serverEnvironment(bootstrap))) {
        podium.awaitOutput("metadata API on", Duration.ofSeconds(60));
        assertThat(Scrape.get(metricsPort, "/readyz").statusCode()).isEqualTo(200);
        assertThat(Scrape.get(metricsPort, "/healthz").statusCode()).isEqualTo(200);

        // Scripted traffic: the Java SDK as the pod web, then raw requests whose answers are known.
        AwsSessionCredentials seen = javaSdkCredentials(imdsPort);
        for (int i = 0; i < 2; i++) {
          assertThat(ImdsClient.get("127.0.0.1", imdsPort, CREDENTIALS + "shop-web").status())
              .isEqualTo(200);
        }
        assertThat(ImdsClient.get("127.0.0.1", imdsPort, CREDENTIALS + "other").status())
            .isEqualTo(404);
        assertThat(ImdsClient.get("127.0.0.2", imdsPort, CREDENTIALS).status()).isEqualTo(404);
        assertThat(ImdsClient.get("127.0.0.9", imdsPort, CREDENTIALS).status()).isEqualTo(503);

        Scrape metrics = Scrape.of(metricsPort);
        double documents =
            metrics.value("podium_metadata_requests_total{route=\"credentials\",status=\"200\"}")
                + metrics.value(
                    "podium_metadata_requests_total{route=\"credentials_extended\",status=\"200\"}");
        assertThat(documents).isEqualTo(3);
        assertThat(
                metrics.value(
                    "podium_metadata_requests_total{route=\"credentials\",status=\"404\"}"))
            .isEqualTo(1);
        assertThat(metrics.value("podium_metadata_rejected_total{reason=\"wrong_role_name\"}"))
            .isEqualTo(1);
        assertThat(
                metrics.value("podium_metadata_requests_total{route=\"role_list\",status=\"404\"}"))
            .isEqualTo(1);
        assertThat(
                metrics.value("podium_metadata_requests_total{route=\"role_list\",status=\"503\"}"))
            .isEqualTo(1);
        assertThat(metrics.value("podium_metadata_credentials_age_seconds_count")).isEqualTo(3);
        assertThat(metrics.value("podium_metadata_credentials_remaining_seconds_count"))
            .isEqualTo(3);
        // Prefetched once when the file was read (web and db); every credentials request a cache
        // hit, the one for the wrong role name too (the name is checked against what it found).
        assertThat(metrics.value("podium_sts_calls_total{result=\"success\"}")).isEqualTo(2);
        assertThat(sts.stats().callCount("AssumeRole")).isEqualTo(2);
        assertThat(metrics.value("podium_credentials_cache_lookups_total{result=\"hit\"}"))
            .isEqualTo(4);
        assertThat(metrics.value("podium_credentials_cache_lookups_total{result=\"miss\"}"))
            .isZero();
        assertThat(metrics.value("podium_credentials_sessions")).isEqualTo(2);
        assertThat(metrics.value("podium_sts_call_duration_seconds_count")).isEqualTo(2);
        assertThat(
                metrics.value(
                    "podium_health_check_passing{check=\"metadata-api\",probe=\"ready\"}"))
            .isEqualTo(1);
        assertThat(
                metrics.has(
                    "podium_build_info{component=\"standalone\",version=\"0.1.0-SNAPSHOT\"}"))
            .as(metrics.text())
            .isTrue();
        assertThat(metrics.value("jvm_threads_current")).isPositive();
        assertThat(metrics.value("process_open_fds")).isPositive();
        assertOnlyDocumentedFamilies(metrics);
        // Three documents, one credential, one pod: one record and two repeats (counted after
        // each answer is written, so perhaps a moment after the client read it).
        await()
            .atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> Scrape.of(metricsPort).value("podium_audit_repeated_handouts_total") == 2);

        assertThat(podium.stop(Duration.ofSeconds(20))).isIn(0, 143);

        JsonLogs logs = JsonLogs.parse(podium.stdout());
        List<JsonNode> audit = logs.from("podium.audit");
        assertThat(audit).hasSize(1);
        for (JsonNode record : audit) {
          assertAuditRecord(record, seen.accessKeyId(), "node-1");
        }
        assertThat(logs.mdcKeys()).isSubsetOf(DOCUMENTED_MDC_KEYS);
        // Refusals name the pod through the same keys.
        assertThat(logs.records())
            .anySatisfy(
                record -> {
                  assertThat(record.path("formattedMessage").asString())
                      .contains("asked for role 'other'");
                  assertThat(JsonLogs.mdc(record, "pod.uid"))
                      .isEqualTo("3d1c7a52-0000-4000-8000-000000000001");
                });
        assertNoSecret(
            List.of(podium.stdout(), podium.stderr(), metrics.text()),
            List.of(seen.secretAccessKey(), seen.sessionToken(), bootstrap.secretAccessKey()));
      }
    }
  }

  @Test
  void agentAndServerReportReadinessStreamsAndAuditThroughTheirOwnEndpoints() throws Exception {
    AgentServerIT.makeCertificates(workDir);
    Path pods = workDir.resolve("pods.yaml");
    Files.writeString(pods, PODS);
    Path auditFile = workDir.resolve("audit.log");
    int serverPort = PodiumProcess.freePort();
    int serverMetrics = PodiumProcess.freePort();
    int imdsPort = PodiumProcess.freePort();
    int agentMetrics = PodiumProcess.freePort();
    BootstrapCredentials bootstrap = BootstrapCredentials.devDefaults();
    try (StsEmulator sts = StsEmulator.builder().bootstrapCredentials(bootstrap).build()) {
      InetSocketAddress stsAddress = sts.start(new InetSocketAddress("127.0.0.1", 0));
      List<String> agentArgs =
          new ArrayList<>(AgentServerIT.agentArgs(workDir, List.of(serverPort), imdsPort));
      agentArgs.removeAll(List.of("--log-format", "text"));
      agentArgs.set(agentArgs.indexOf("--metrics-listen") + 1, "127.0.0.1:" + agentMetrics);
      agentArgs.addAll(List.of("--audit-log", auditFile.toString()));
      List<String> serverArgs =
          new ArrayList<>(
              AgentServerIT.serverArgs(
                  workDir, pods, stsAddress.getPort(), serverPort, "replica-1"));
      serverArgs.removeAll(List.of("--log-format", "text"));
      serverArgs.set(serverArgs.indexOf("--metrics-listen") + 1, "127.0.0.1:" + serverMetrics);

      try (PodiumProcess agent = PodiumProcess.start(workDir, agentArgs)) {
        agent.awaitOutput("metadata API on", Duration.ofSeconds(60));
        // No server yet: alive, listening, and not ready, saying why.
        HttpResponse<String> unready = Scrape.get(agentMetrics, "/readyz");
        assertThat(unready.statusCode()).isEqualTo(503);
        assertThat(unready.body())
            .contains("[-]server-synced failed")
            .contains("[+]metadata-api ok");
        assertThat(Scrape.get(agentMetrics, "/healthz").statusCode()).isEqualTo(200);
        assertThat(
                Scrape.of(agentMetrics)
                    .value("podium_health_check_passing{check=\"server-synced\",probe=\"ready\"}"))
            .isZero();

        try (PodiumProcess server =
            PodiumProcess.start(workDir, serverArgs, AgentServerIT.serverEnvironment(bootstrap))) {
          server.awaitOutput("agent API on", Duration.ofSeconds(60));
          await()
              .atMost(Duration.ofSeconds(30))
              .pollInterval(Duration.ofMillis(200))
              .until(() -> Scrape.get(agentMetrics, "/readyz").statusCode() == 200);
          await()
              .atMost(Duration.ofSeconds(10))
              .pollInterval(Duration.ofMillis(200))
              .until(() -> Scrape.get(serverMetrics, "/readyz").statusCode() == 200);
          assertThat(Scrape.get(serverMetrics, "/readyz").body())
              .contains("[+]pods-synced ok")
              .contains("[+]certificates-valid ok");

          AwsSessionCredentials seen = javaSdkCredentials(imdsPort);
          assertThat(ImdsClient.get("127.0.0.1", imdsPort, CREDENTIALS + "shop-web").status())
              .isEqualTo(200);

          Scrape agentScrape = Scrape.of(agentMetrics);
          assertThat(agentScrape.value("podium_agent_servers{state=\"synced\"}")).isEqualTo(1);
          assertThat(agentScrape.value("podium_agent_servers{state=\"known\"}")).isEqualTo(1);
          assertThat(agentScrape.value("podium_agent_pods")).isEqualTo(2);
          assertThat(agentScrape.value("podium_metadata_credentials_age_seconds_count"))
              .isEqualTo(2);
          assertThat(
                  agentScrape.has(
                      "podium_tls_certificate_expiry_timestamp_seconds{certificate=\"identity\"}"))
              .isTrue();
          assertThat(
                  agentScrape.has(
                      "podium_build_info{component=\"agent\",version=\"0.1.0-SNAPSHOT\"}"))
              .isTrue();
          assertThat(agentScrape.families()).noneMatch(name -> name.startsWith("podium_sts_"));
          await()
              .atMost(Duration.ofSeconds(10))
              .pollInterval(Duration.ofMillis(100))
              .until(
                  () -> Scrape.of(agentMetrics).value("podium_audit_repeated_handouts_total") == 1);
          assertOnlyDocumentedFamilies(agentScrape);

          Scrape serverScrape = Scrape.of(serverMetrics);
          assertThat(serverScrape.value("podium_server_agent_streams")).isEqualTo(1);
          assertThat(
                  serverScrape.value(
                      "podium_server_agent_authentications_total{result=\"authenticated\"}"))
              .isPositive();
          assertThat(
                  serverScrape.value(
                      "podium_server_agent_authentications_total{result=\"refused\"}"))
              .isZero();
          // One session per role-bearing pod of the cluster, whichever node it runs on.
          assertThat(serverScrape.value("podium_sts_calls_total{result=\"success\"}")).isEqualTo(2);
          assertThat(serverScrape.value("podium_credentials_sessions")).isEqualTo(2);
          assertThat(serverScrape.value("podium_credentials_pending_prefetches")).isZero();
          assertThat(serverScrape.families())
              .noneMatch(name -> name.startsWith("podium_metadata_"));
          assertOnlyDocumentedFamilies(serverScrape);

          assertThat(server.stop(Duration.ofSeconds(20))).isIn(0, 143);
          assertThat(agent.stop(Duration.ofSeconds(20))).isIn(0, 143);

          // The audit trail went to its own file, as JSON lines, and not to stdout.
          JsonLogs audit = JsonLogs.parse(Files.readString(auditFile));
          assertThat(audit.from("podium.audit")).hasSize(1).hasSameSizeAs(audit.records());
          for (JsonNode record : audit.records()) {
            assertAuditRecord(record, seen.accessKeyId(), "node-1");
          }
          JsonLogs agentLogs = JsonLogs.parse(agent.stdout());
          assertThat(agentLogs.from("podium.audit")).isEmpty();
          JsonLogs serverLogs = JsonLogs.parse(server.stdout());
          assertThat(agentLogs.mdcKeys()).isSubsetOf(DOCUMENTED_MDC_KEYS);
          assertThat(serverLogs.mdcKeys()).isSubsetOf(DOCUMENTED_MDC_KEYS);
          assertNoSecret(
              List.of(
                  agent.stdout(),
                  agent.stderr(),
                  server.stdout(),
                  server.stderr(),
                  Files.readString(auditFile),
                  agentScrape.text(),
                  serverScrape.text()),
              List.of(seen.secretAccessKey(), seen.sessionToken(), bootstrap.secretAccessKey()));
        }
      }
    }
  }

  private static AwsSessionCredentials javaSdkCredentials(int imdsPort) {
    try (InstanceProfileCredentialsProvider provider =
        InstanceProfileCredentialsProvider.builder()
            .endpoint("http://127.0.0.1:" + imdsPort)
            .build()) {
      return (AwsSessionCredentials) provider.resolveCredentials();
    }
  }

  /** The audit record's fields, as docs/operations.md promises them. */
  private static void assertAuditRecord(JsonNode record, String accessKeyId, String node) {
    assertThat(record.path("loggerName").asString()).isEqualTo("podium.audit");
    assertThat(record.path("timestamp").asLong()).isPositive();
    assertThat(JsonLogs.mdc(record, "pod.namespace")).isEqualTo("shop");
    assertThat(JsonLogs.mdc(record, "pod.name")).isEqualTo("web");
    assertThat(JsonLogs.mdc(record, "pod.uid")).isEqualTo("3d1c7a52-0000-4000-8000-000000000001");
    assertThat(JsonLogs.mdc(record, "pod.node")).isEqualTo(node);
    assertThat(JsonLogs.mdc(record, "iam.role"))
        .isEqualTo("arn:aws:iam::123456789012:role/shop-web");
    assertThat(JsonLogs.mdc(record, "iam.session_name")).isEqualTo("shop@web");
    assertThat(JsonLogs.mdc(record, "credentials.access_key_id")).isEqualTo(accessKeyId);
    assertThat(Instant.parse(JsonLogs.mdc(record, "credentials.expiration")))
        .isAfter(Instant.now().plus(Duration.ofMinutes(20)));
    assertThat(JsonLogs.mdc(record, "imds.route")).isIn("credentials", "credentials_extended");
  }

  /** Every family the process exports is in docs/metrics.md's tables. */
  private static void assertOnlyDocumentedFamilies(Scrape scrape) throws Exception {
    Set<String> documented = DocumentedMetrics.names();
    assertThat(scrape.families()).isNotEmpty().isSubsetOf(documented);
  }

  private static void assertNoSecret(List<String> outputs, List<String> secrets) {
    for (String output : outputs) {
      for (String secret : secrets) {
        assertThat(secret).hasSizeGreaterThan(10);
        assertThat(output).doesNotContain(secret);
      }
      assertThat(output).doesNotContain("SecretAccessKey").doesNotContain("\"Token\"");
    }
  }
}
