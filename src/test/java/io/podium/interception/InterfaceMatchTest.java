package io.podium.interception;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InterfaceMatchTest {

  @Test
  void readsNamesGlobsAndNegations() {
    assertThat(InterfaceMatch.parse("cni0")).isEqualTo(new InterfaceMatch("cni0", false, false));
    assertThat(InterfaceMatch.parse("cali+")).isEqualTo(new InterfaceMatch("cali", true, false));
    assertThat(InterfaceMatch.parse("eni*")).isEqualTo(new InterfaceMatch("eni", true, false));
    assertThat(InterfaceMatch.parse("!eth0")).isEqualTo(new InterfaceMatch("eth0", false, true));
    assertThat(InterfaceMatch.parse(" ! veth+ ")).isEqualTo(new InterfaceMatch("veth", true, true));
  }

  @Test
  void writesEachAsIptablesAndNftDo() {
    InterfaceMatch glob = InterfaceMatch.parse("cali+");
    InterfaceMatch negated = InterfaceMatch.parse("!eth0");

    assertThat(glob.iptables()).isEqualTo("-i cali+");
    assertThat(glob.nft()).isEqualTo("iifname \"cali*\"");
    assertThat(negated.iptables()).isEqualTo("! -i eth0");
    assertThat(negated.nft()).isEqualTo("iifname != \"eth0\"");
    assertThat(negated).hasToString("!eth0");
  }

  @Test
  void refusesWhatIsNoInterfaceNameAndSaysWhatWould() {
    assertThatThrownBy(() -> InterfaceMatch.parse("+"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cali+ (Calico)");
    assertThatThrownBy(() -> InterfaceMatch.parse("eth0; iptables -F"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> InterfaceMatch.parse("c\"ni0"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> InterfaceMatch.parse("averyverylongname+"))
        .hasMessageContaining("longer than an interface name can be");
    assertThat(InterfaceMatch.parse("abcdefghijklmn+").name()).hasSize(14);
  }
}
