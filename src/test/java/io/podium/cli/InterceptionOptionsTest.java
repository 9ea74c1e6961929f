package io.podium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The interception options as users meet them. Every run here fails validation before any rule
 * could be touched: no test in this JVM may run iptables on the host.
 */
class InterceptionOptionsTest {

  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    CommandLine commandLine = PodiumCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    int code = commandLine.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private static Run standalone(String... args) {
    String[] all = new String[args.length + 4];
    all[0] = "standalone";
    all[1] = "--pods-file";
    all[2] = "examples/dev-pods.yaml";
    all[3] = "--region=us-east-1";
    System.arraycopy(args, 0, all, 4, args.length);
    return run(all);
  }

  @Test
  void standaloneHelpExplainsEveryInterceptionOption() {
    Run help = run("standalone", "--help");

    assertThat(help.out())
        .contains("--iptables", "--host-interface", "--host-ip", "--host-ip6")
        .contains("--install-rules-only", "--cleanup", "--rule-check-interval")
        .contains("--iptables-backend", "auto|legacy|nft|nftables")
        .contains("--[no-]keep-jump-first", "Felix")
        .contains("cali+", "!eth0", "init container");
  }

  @Test
  void devModeHasNoWayToTouchTheHostsRules() {
    assertThat(run("dev", "--help").out()).doesNotContain("--iptables", "--host-interface");

    Run dev = run("dev", "--iptables", "--host-ip", "10.0.0.1", "--host-interface", "cni0");

    assertThat(dev.exitCode()).isEqualTo(2);
    assertThat(dev.err()).contains("unknown option --iptables", "unknown option --host-ip");
  }

  @Test
  void iptablesNeedsTheHostIpAndAnInterface() {
    Run noIp = standalone("--iptables", "--host-interface", "cali+");
    Run noInterface = standalone("--iptables", "--host-ip", "10.0.0.1");

    assertThat(noIp.exitCode()).isEqualTo(2);
    assertThat(noIp.err()).contains("--iptables needs --host-ip");
    assertThat(noInterface.exitCode()).isEqualTo(2);
    assertThat(noInterface.err()).contains("--iptables needs --host-interface", "cali+ (Calico)");
  }

  @Test
  void refusesAddressesAndInterfacesThatCannotWork() {
    assertThat(standalone("--iptables", "--host-ip", "127.0.0.1", "--host-interface", "cni0").err())
        .contains("--host-ip 127.0.0.1 is loopback");
    assertThat(standalone("--iptables", "--host-ip", "node-1", "--host-interface", "cni0").err())
        .contains("--host-ip 'node-1' is not an IP address");
    assertThat(
            standalone("--iptables", "--host-ip", "10.0.0.1", "--host-interface", "eth0/1").err())
        .contains("is not an interface name or prefix");
    assertThat(
            standalone(
                    "--iptables",
                    "--host-ip",
                    "10.0.0.1",
                    "--host-interface",
                    "cni0",
                    "--container-credentials-listen",
                    "none",
                    "--imds-listen",
                    "127.0.0.1:8181")
                .err())
        .contains("--imds-listen 127.0.0.1:8181 is not --host-ip 10.0.0.1");
    assertThat(standalone("--iptables-backend", "ipfw").err())
        .contains("Invalid value for option '--iptables-backend'");
  }

  @Test
  void anIpv6HostIpIsTheIpv6OnlyNodesAddress() {
    Run ipv6Only =
        standalone(
            "--iptables",
            "--host-ip",
            "fd00::1",
            "--host-interface",
            "cni0",
            "--imds-listen",
            "[fd00::2]:8181");
    Run twoIpv6 =
        standalone(
            "--iptables",
            "--host-ip",
            "fd00::1",
            "--host-ip6",
            "fd00::2",
            "--host-interface",
            "cni0");

    // Accepted as the node's IPv6 address: what remains wrong is the listener it names.
    assertThat(ipv6Only.err())
        .contains("--imds-listen [fd00::2]:8181 is not --host-ip fd00::1")
        .doesNotContain("must be an IPv4 address");
    assertThat(twoIpv6.err()).contains("are two IPv6 addresses");
  }

  @Test
  void hostOptionsWithoutIptablesAreAMistakeNotIgnored() {
    Run run = standalone("--host-ip", "10.0.0.1");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("take effect with --iptables only");
  }

  @Test
  void installOnlyAndCleanupExcludeEachOther() {
    Run run = standalone("--install-rules-only", "--cleanup");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--install-rules-only and --cleanup exclude each other");
  }
}
