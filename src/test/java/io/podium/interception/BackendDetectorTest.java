package io.podium.interception;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class BackendDetectorTest {

  private static final String[] BOTH_KINDS = {
    "iptables-legacy-save",
    "iptables-legacy-restore",
    "ip6tables-legacy-save",
    "iptables-nft-save",
    "iptables-nft-restore",
    "ip6tables-nft-save"
  };

  private final FakeCommandRunner runner = new FakeCommandRunner();

  private BackendDetector.Detection detect(BackendChoice choice) {
    return new BackendDetector(runner, JsonMapper.builder().build()).detect(choice);
  }

  /** iptables-save output with {@code rules} rules in the filter table and chains as given. */
  private static String save(int rules, String natChains, String mangleChains) {
    StringBuilder save = new StringBuilder("*mangle\n:PREROUTING ACCEPT [0:0]\n");
    save.append(mangleChains).append("COMMIT\n*nat\n:PREROUTING ACCEPT [0:0]\n");
    save.append(natChains).append("COMMIT\n*filter\n:INPUT ACCEPT [0:0]\n");
    for (int i = 0; i < rules; i++) {
      save.append("-A INPUT -s 10.0.0.").append(i).append("/32 -j ACCEPT\n");
    }
    return save.append("COMMIT\n").toString();
  }

  private void bothKinds(String legacy4, String nft4) {
    runner.installed(BOTH_KINDS);
    runner.answer("iptables-legacy-save", legacy4);
    runner.answer("ip6tables-legacy-save", "");
    runner.answer("iptables-nft-save", nft4);
    runner.answer("ip6tables-nft-save", "");
  }

  @Test
  void keepsToTheBackendHoldingPodiumsChainFromAnEarlierRun() {
    bothKinds(save(0, ":PODIUM-METADATA - [0:0]\n", ""), save(40, "", ""));

    BackendDetector.Detection detection = detect(BackendChoice.AUTO);

    assertThat(detection.backend().name()).isEqualTo("iptables-legacy");
    assertThat(detection.reason()).contains("earlier run");
  }

  @Test
  void followsKubeletsHintChainBeforeCountingRules() {
    bothKinds(save(40, "", ""), save(2, "", ":KUBE-IPTABLES-HINT - [0:0]\n"));

    BackendDetector.Detection detection = detect(BackendChoice.AUTO);

    assertThat(detection.backend().name()).isEqualTo("iptables-nft");
    assertThat(detection.reason()).contains("hint");
  }

  @Test
  void choosesTheBackendWithMoreRulesAndNftOnATie() {
    bothKinds(save(12, "", ""), save(3, "", ""));
    assertThat(detect(BackendChoice.AUTO).backend().name()).isEqualTo("iptables-legacy");

    FakeCommandRunner fresh = new FakeCommandRunner().installed(BOTH_KINDS);
    for (String save :
        new String[] {
          "iptables-legacy-save", "ip6tables-legacy-save", "iptables-nft-save", "ip6tables-nft-save"
        }) {
      fresh.answer(save, "");
    }
    BackendDetector.Detection tie =
        new BackendDetector(fresh, JsonMapper.builder().build()).detect(BackendChoice.AUTO);
    assertThat(tie.backend().name()).isEqualTo("iptables-nft");
    assertThat(tie.reason()).isEqualTo("a tie goes to nft (0 rules in legacy, 0 in nft)");
  }

  @Test
  void aKindWhoseSaveFailsCountsNothing() {
    runner.installed(BOTH_KINDS);
    runner.answer("iptables-legacy-save", FakeCommandRunner.failure(1, "can't initialize"));
    runner.answer("ip6tables-legacy-save", FakeCommandRunner.failure(1, "can't initialize"));
    runner.answer("iptables-nft-save", save(1, "", ""));
    runner.answer("ip6tables-nft-save", "");

    assertThat(detect(BackendChoice.AUTO).backend().name()).isEqualTo("iptables-nft");
  }

  @Test
  void usesTheOnlyKindInstalledWithoutAskingIt() {
    runner.installed("iptables-legacy-save", "iptables-legacy-restore");

    BackendDetector.Detection detection = detect(BackendChoice.AUTO);

    assertThat(detection.backend().name()).isEqualTo("iptables-legacy");
    assertThat(runner.calls()).isEmpty();
  }

  @Test
  void readsTheKindOfUnsuffixedIptablesFromItsVersion() {
    runner.installed("iptables", "iptables-save", "iptables-restore");
    runner.answer("iptables --version", "iptables v1.8.7 (nf_tables)\n");

    assertThat(detect(BackendChoice.AUTO).backend().name()).isEqualTo("iptables (nf_tables)");
    assertThat(detect(BackendChoice.NFT).backend().name()).isEqualTo("iptables (nf_tables)");
    assertThatThrownBy(() -> detect(BackendChoice.LEGACY))
        .hasMessage("--iptables-backend legacy: iptables-legacy-save is not installed");
  }

  @Test
  void fallsBackToNativeNftablesWithoutIptables() {
    runner.installed("nft");

    assertThat(detect(BackendChoice.AUTO).backend().name()).isEqualTo("nftables");
  }

  @Test
  void saysWhatToInstallWhenNothingIs() {
    assertThatThrownBy(() -> detect(BackendChoice.AUTO))
        .isInstanceOf(InterceptionException.class)
        .hasMessageContaining("neither iptables nor nft is installed");
    assertThatThrownBy(() -> detect(BackendChoice.NFTABLES))
        .hasMessageContaining("nft is not installed");
  }

  @Test
  void cleanupLooksInEveryBackendInstalledWithoutRunningAnything() {
    runner.installed(BOTH_KINDS).installed("nft");

    assertThat(
            new BackendDetector(runner, JsonMapper.builder().build())
                .candidates(BackendChoice.AUTO))
        .extracting(RuleBackend::name)
        .containsExactly("iptables-legacy", "iptables-nft", "nftables");
    assertThat(runner.calls()).isEmpty();
  }
}
