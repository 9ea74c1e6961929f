package io.podium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.podium.testing.KubernetesApiMock;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code podium explain --kubeconfig}: the same answers, read from a cluster once. */
class ExplainClusterTest {

  private static final String BASE = "arn:aws:iam::123456789012:role/";

  private final KubernetesApiMock api = KubernetesApiMock.start();
  private Path kubeconfig;

  @BeforeEach
  void cluster(@TempDir Path dir) throws IOException {
    kubeconfig = api.writeKubeconfig(dir.resolve("kubeconfig"));
    var client = api.client();
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName("shop")
                .addToAnnotations("iam.amazonaws.com/permitted", "shop-.*")
                .endMetadata()
                .build())
        .create();
    client
        .serviceAccounts()
        .inNamespace("shop")
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("worker")
                .withNamespace("shop")
                .addToAnnotations("eks.amazonaws.com/role-arn", BASE + "shop-worker")
                .endMetadata()
                .build())
        .create();
    pod("web", "default", "shop-web", "10.0.0.5");
    pod("worker", "worker", null, "10.0.0.6");
    pod("admin", "default", "prod-admin", "10.0.0.7");
  }

  private void pod(String name, String account, String role, String ip) {
    var builder =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("shop")
            .withUid("uid-" + name)
            .endMetadata()
            .withNewSpec()
            .withServiceAccountName(account)
            .withNodeName("node-1")
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .withPodIP(ip)
            .endStatus();
    if (role != null) {
      builder.editMetadata().addToAnnotations("iam.amazonaws.com/role", role).endMetadata();
    }
    api.client().pods().inNamespace("shop").resource(builder.build()).create();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private String explain(String target) {
    CommandLine commandLine = PodiumCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    int code =
        commandLine.execute(
            "explain", "--kubeconfig", kubeconfig.toString(), "--role-base-arn", BASE, target);
    return code + " " + out + err;
  }

  @Test
  void explainsAPodOfTheClusterByNameOrIp() {
    assertThat(explain("shop/web"))
        .startsWith("0 pod shop/web (10.0.0.5, node node-1")
        .contains("role:         " + BASE + "shop-web, from the pod's")
        .contains("permitted regex 'shop-.*'")
        .contains("session name: shop@web");
    assertThat(explain("10.0.0.6"))
        .startsWith("0 pod shop/worker")
        .contains("from service account worker's eks.amazonaws.com/role-arn");
  }

  @Test
  void saysWhyARoleIsRefusedOrNoPodHasTheIp() {
    assertThat(explain("10.0.0.7")).contains("answer:       403, ").contains("prod-admin");
    assertThat(explain("10.0.0.99"))
        .startsWith(
            "1 10.0.0.99: answer 503 'no pod that may hold credentials is known at the caller's"
                + " address yet'");
    assertThat(explain("shop/nobody")).startsWith("1 no pod shop/nobody in the cluster");
  }
}
