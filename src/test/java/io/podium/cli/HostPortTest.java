package io.podium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostPortTest {

  @Test
  void parsesListenAddresses() {
    assertThat(HostPort.listenAddress("--imds-listen", "0.0.0.0:8181", "0.0.0.0:8181"))
        .isEqualTo(new InetSocketAddress("0.0.0.0", 8181));
    assertThat(HostPort.listenAddress("--imds-listen", "[::1]:8181", "0.0.0.0:8181").getPort())
        .isEqualTo(8181);
    assertThat(
            HostPort.listenAddress("--imds-listen", "[::1]:8181", "0.0.0.0:8181")
                .getAddress()
                .isLoopbackAddress())
        .isTrue();
    assertThat(HostPort.listenAddress("--imds-listen", " 127.0.0.1:0 ", "0.0.0.0:8181").getPort())
        .isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"8181", "localhost", "::1:8181", "1.2.3.4:70000", "1.2.3.4:x", ":80", ""})
  void refusesMalformedListenAddresses(String value) {
    assertThatThrownBy(() -> HostPort.listenAddress("--imds-listen", value, "0.0.0.0:8181"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--imds-listen");
  }

  @Test
  void takesIpv6AddressesInBracketsWithoutTheBrackets() {
    assertThat(HostPort.parse("--server", "[fd00::1]:8443", "podium-server.podium:8443"))
        .isEqualTo(new HostPort("fd00::1", 8443));
    assertThat(HostPort.listenAddress("--listen", "[::]:8443", "0.0.0.0:8443"))
        .isEqualTo(new InetSocketAddress(InetAddress.ofLiteral("::"), 8443));
  }

  @Test
  void leavesHostNamesUnresolvedWhenOnlyParsing() {
    assertThat(
            HostPort.parse(
                "--server", "podium-server.podium.svc:8443", "podium-server.podium:8443"))
        .isEqualTo(new HostPort("podium-server.podium.svc", 8443));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "x|--sts-listen 'x' is not HOST:PORT, e.g. 127.0.0.1:4566",
        "4566|--sts-listen '4566' is not HOST:PORT, e.g. 127.0.0.1:4566",
        "127.0.0.1:|--sts-listen '127.0.0.1:' is not HOST:PORT, e.g. 127.0.0.1:4566",
        "::1:4566|--sts-listen '::1:4566' is not HOST:PORT: put IPv6 addresses in brackets,"
            + " e.g. [::1]:4566",
        "fe80::1:80|--sts-listen 'fe80::1:80' is not HOST:PORT: put IPv6 addresses in brackets,"
            + " e.g. [fe80::1]:80",
        "[::1:4566|--sts-listen '[::1:4566' is not HOST:PORT: put IPv6 addresses in brackets,"
            + " e.g. [::1]:4566",
        "a:b:c|--sts-listen 'a:b:c' is not HOST:PORT: put IPv6 addresses in brackets,"
            + " e.g. [::1]:4566",
        "127.0.0.1:65536|--sts-listen port must be from 0 to 65535; got '127.0.0.1:65536'",
        "127.0.0.1:-1|--sts-listen port must be from 0 to 65535; got '127.0.0.1:-1'",
        "127.0.0.1:http|--sts-listen port must be from 0 to 65535; got '127.0.0.1:http'",
      })
  void saysWhichOptionIsWrongAndWhatToWrite(String value, String message) {
    assertThatThrownBy(() -> HostPort.listenAddress("--sts-listen", value, "127.0.0.1:4566"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void shortensLongValuesInErrors() {
    String value = "h".repeat(500);

    assertThatThrownBy(() -> HostPort.parse("--listen", value, "0.0.0.0:8443"))
        .hasMessageStartingWith("--listen 'hhhh")
        .hasMessageContaining("…")
        .message()
        .hasSizeLessThan(200);
  }

  @Test
  void noneTurnsAnOptionalListenerOff() {
    assertThat(HostPort.listenAddressOrNone("--metrics-listen", "none", "0.0.0.0:9180")).isEmpty();
    assertThat(HostPort.listenAddressOrNone("--metrics-listen", " NONE ", "0.0.0.0:9180"))
        .isEmpty();
    assertThat(HostPort.listenAddressOrNone("--metrics-listen", "127.0.0.1:9180", "0.0.0.0:9180"))
        .contains(new InetSocketAddress("127.0.0.1", 9180));
  }
}
