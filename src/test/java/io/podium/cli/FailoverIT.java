package io.podium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podium.stsemulator.BootstrapCredentials;
import io.podium.stsemulator.StsEmulator;
import io.podium.testing.ImdsClient;
import io.podium.testing.PodiumProcess;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code podium server} replicas and one agent as real processes; pods ask for credentials in a
 * loop while one replica is killed with SIGKILL, new pods appear, credentials refresh, the replica
 * comes back and the other one dies: not one request may fail. Then both die, and the agent keeps
 * serving what it holds.
 */
class FailoverIT {

  private static final String CREDENTIALS = "/latest/meta-data/iam/security-credentials/shop-web";
  private static final Pattern ACCESS_KEY = Pattern.compile("\"AccessKeyId\":\"(\\w+)\"");

  @TempDir Path workDir;

  private final List<String> failures = new CopyOnWriteArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final Set<String> accessKeys = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean running = new AtomicBoolean(true);

  private List<String> server(Path pods, int stsPort, int port, String replica) {
    List<String> args =
        new ArrayList<>(AgentServerIT.serverArgs(workDir, pods, stsPort, port, replica));
    // Credentials may be served for 10 s only, so that refreshes (every 7 to 8.5 s) fall inside
    // the failures below.
    args.addAll(List.of("--session-duration", "15m", "--min-remaining", "14m50s"));
    return args;
  }

  private Thread pod(String ip) {
    Thread thread =
        Thread.ofPlatform()
            .start(
                () -> {
                  while (running.get()) {
                    requests.incrementAndGet();
                    try {
                      ImdsClient.Response response = ImdsClient.get(ip, imdsPort, CREDENTIALS);
                      Matcher key = ACCESS_KEY.matcher(response.body());
                      if (response.status() != 200 || !key.find()) {
                        failures.add(ip + ": " + response.status() + " " + response.body());
                      } else {
                        accessKeys.add(key.group(1));
                      }
                    } catch (Exception e) {
                      failures.add(ip + ": " + e);
                    }
                  }
                });
    return thread;
  }

  private int imdsPort;

  @Test
  void noPodRequestFailsWhileReplicasAreKilledAndRestarted() throws Exception {
    AgentServerIT.makeCertificates(workDir);
    Path pods = workDir.resolve("pods.yaml");
    Files.writeString(pods, AgentServerIT.PODS);
    int portA = PodiumProcess.freePort();
    int portB = PodiumProcess.freePort();
    imdsPort = PodiumProcess.freePort();
    BootstrapCredentials bootstrap = BootstrapCredentials.devDefaults();
    var environment = AgentServerIT.serverEnvironment(bootstrap);
    List<PodiumProcess> processes = new ArrayList<>();
    List<Thread> clients = new ArrayList<>();
    try (StsEmulator sts = StsEmulator.builder().bootstrapCredentials(bootstrap).build()) {
      int stsPort = sts.start(new InetSocketAddress("127.0.0.1", 0)).getPort();
      PodiumProcess a =
          PodiumProcess.start(workDir, server(pods, stsPort, portA, "replica-a"), environment);
      processes.add(a);
      PodiumProcess b =
          PodiumProcess.start(workDir, server(pods, stsPort, portB, "replica-b"), environment);
      processes.add(b);
      List<String> agentArgs =
          new ArrayList<>(AgentServerIT.agentArgs(workDir, List.of(portA, portB), imdsPort));
      // The pods here ask as fast as they can: no per-source rate limit.
      agentArgs.addAll(List.of("--max-requests-per-second", "0"));
      PodiumProcess agent = PodiumProcess.start(workDir, agentArgs);
      processes.add(agent);
      a.awaitOutput("agent API on", Duration.ofSeconds(60));
      b.awaitOutput("agent API on", Duration.ofSeconds(60));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> agent.stdout().contains("Synced with server") && synced(agent) == 2);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> ImdsClient.get("127.0.0.1", imdsPort, CREDENTIALS).status() == 200);

      clients.add(pod("127.0.0.1"));
      await().atMost(Duration.ofSeconds(10)).until(() -> requests.get() > 50);

      // 1. Replica A dies without a word; new pods arrive while it is dead.
      a.kill();
      Set<String> keysBeforeKill = Set.copyOf(accessKeys);
      StringBuilder more = new StringBuilder(AgentServerIT.PODS);
      for (int i = 3; i <= 4; i++) {
        more.append(newPod(i));
      }
      Files.writeString(pods, more.toString());
      await().atMost(Duration.ofSeconds(10)).until(() -> b.stdout().contains("reloaded"));
      clients.add(pod("127.0.0.3"));
      clients.add(pod("127.0.0.4"));
      // A refresh falls inside the failure: credentials no one had seen before the kill.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> accessKeys.stream().filter(k -> !keysBeforeKill.contains(k)).count() >= 3);

      // 2. Replica A comes back; then replica B dies the same way.
      PodiumProcess a2 =
          PodiumProcess.start(workDir, server(pods, stsPort, portA, "replica-a"), environment);
      processes.add(a2);
      a2.awaitOutput("agent API on", Duration.ofSeconds(60));
      await().atMost(Duration.ofSeconds(30)).until(() -> synced(agent) >= 3);
      int beforeSecondKill = requests.get();
      b.kill();
      Set<String> keysBeforeSecondKill = Set.copyOf(accessKeys);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  accessKeys.stream().filter(k -> !keysBeforeSecondKill.contains(k)).count() >= 3
                      && requests.get() > beforeSecondKill + 200);

      running.set(false);
      for (Thread client : clients) {
        client.join(10_000);
      }
      System.out.printf(
          "failover: %d requests, %d failed, %d distinct credentials, %d AssumeRole calls%n",
          requests.get(), failures.size(), accessKeys.size(), sts.stats().callCount("AssumeRole"));
      assertThat(failures)
          .as(
              "failed requests of %d: %s",
              requests.get(), failures.stream().distinct().limit(5).toList())
          .isEmpty();
      assertThat(requests.get()).isGreaterThan(500);

      // 3. Every replica gone: the agent answers from memory.
      a2.kill();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> agent.stdout().contains("Stream from server"));
      for (String ip : List.of("127.0.0.1", "127.0.0.3", "127.0.0.4")) {
        assertThat(ImdsClient.get(ip, imdsPort, CREDENTIALS).status()).isEqualTo(200);
      }
      assertThat(agent.isAlive()).isTrue();
    } finally {
      running.set(false);
      for (PodiumProcess process : processes) {
        process.close();
      }
    }
  }

  /** How many times the agent has logged a completed snapshot (one per replica connection). */
  private static long synced(PodiumProcess agent) {
    return agent.stdout().lines().filter(l -> l.contains("Synced with server")).count();
  }

  /** Pod {@code i}: the {@code new-i} pod of {@code shop} at 127.0.0.i. */
  private static String newPod(int i) {
    return """
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: new-%1$d
        namespace: shop
        uid: 3d1c7a52-0000-4000-8000-0000000001%1$02d
        annotations:
          iam.amazonaws.com/role: shop-web
          iam.amazonaws.com/session-name: new-%1$d
      spec:
        nodeName: node-1
      status:
        phase: Running
        podIPs:
          - ip: 127.0.0.%1$d
      """
        .formatted(i);
  }
}
