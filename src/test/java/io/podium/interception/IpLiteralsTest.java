package io.podium.interception;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class IpLiteralsTest {

  private static String text(String literal) {
    return IpLiterals.text(InetAddress.ofLiteral(literal));
  }

  @Test
  void writesIpv6AsIptablesAndNftPrintIt() {
    assertThat(text("fd00:ec2:0:0:0:0:0:254")).isEqualTo("fd00:ec2::254");
    assertThat(text("FD00:0010:0000:0000:0000:0000:0000:0001")).isEqualTo("fd00:10::1");
    assertThat(text("::1")).isEqualTo("::1");
    assertThat(text("::")).isEqualTo("::");
    assertThat(text("fe80::")).isEqualTo("fe80::");
    // The longest run of zeros is shortened, the first of equal runs, never a single group.
    assertThat(text("1:0:0:2:0:0:0:3")).isEqualTo("1:0:0:2::3");
    assertThat(text("1:0:0:2:0:0:3:4")).isEqualTo("1::2:0:0:3:4");
    assertThat(text("1:2:3:4:5:6:0:8")).isEqualTo("1:2:3:4:5:6:0:8");
  }

  @Test
  void bracketsIpv6BeforeAPort() {
    assertThat(IpLiterals.withPort(InetAddress.ofLiteral("10.0.0.1"), 8181))
        .isEqualTo("10.0.0.1:8181");
    assertThat(IpLiterals.withPort(InetAddress.ofLiteral("fd00::1"), 8181))
        .isEqualTo("[fd00::1]:8181");
  }
}
