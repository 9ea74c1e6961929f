package io.podium.core.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podium.testing.LogCapture;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class CredentialsTest {

  private static final Logger LOG = LoggerFactory.getLogger(CredentialsTest.class);

  private static final String KEY_ID = "ASIAEXAMPLEKEYID0001";
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY";
  private static final String TOKEN = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN//////////";
  private static final Instant EXPIRY = Instant.parse("2025-06-01T13:00:00Z");

  @RegisterExtension final LogCapture logs = new LogCapture();

  private final Credentials credentials = new Credentials(KEY_ID, SECRET, TOKEN, EXPIRY);

  @Test
  void showsOnlyTheKeyIdAndExpiry() {
    assertThat(credentials)
        .hasToString(
            "Credentials[accessKeyId=ASIAEXAMPLEKEYID0001, expiration=2025-06-01T13:00:00Z]");
  }

  @Test
  void issuedCredentialsHideTheSecretsToo() {
    IssuedCredentials issued =
        new IssuedCredentials(credentials, "arn:aws:sts::123456789012:assumed-role/reader/ns-web");

    assertThat(issued.toString())
        .contains(KEY_ID)
        .contains("assumed-role/reader/ns-web")
        .doesNotContain(SECRET)
        .doesNotContain(TOKEN);
  }

  @Test
  void logLinesCarryTheKeyIdButNeverTheSecretOrToken() {
    MDC.put("credentials.access_key_id", credentials.accessKeyId());
    try {
      LOG.info("issued {} for pod {}", credentials, "ns/web");
      LOG.warn(
          "refresh failed for {}",
          credentials,
          new IllegalStateException("could not refresh " + credentials));
    } finally {
      MDC.remove("credentials.access_key_id");
    }

    assertThat(logs.messagesFrom(CredentialsTest.class.getName()))
        .hasSize(2)
        .allSatisfy(message -> assertThat(message).contains(KEY_ID));
    assertThat(logs.allOutput())
        .contains(KEY_ID)
        .contains("could not refresh Credentials[accessKeyId=" + KEY_ID)
        .doesNotContain(SECRET)
        .doesNotContain(TOKEN)
        .doesNotContain("wJalrXUtnFEMI")
        .doesNotContain("IQoJb3JpZ2lu");
  }

  @Test
  void knowsHowMuchValidityRemains() {
    Instant now = EXPIRY.minus(Duration.ofMinutes(20));

    assertThat(credentials.remainingAt(now)).isEqualTo(Duration.ofMinutes(20));
    assertThat(credentials.validFor(Duration.ofMinutes(20), now)).isTrue();
    assertThat(credentials.validFor(Duration.ofMinutes(20), now.plusSeconds(1))).isFalse();
    assertThat(credentials.remainingAt(EXPIRY.plusSeconds(5))).isNegative();
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"  "})
  void refusesBlankParts(String blank) {
    assertThatThrownBy(() -> new Credentials(blank, SECRET, TOKEN, EXPIRY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("accessKeyId must not be blank");
    assertThatThrownBy(() -> new Credentials(KEY_ID, blank, TOKEN, EXPIRY))
        .hasMessage("secretAccessKey must not be blank");
    assertThatThrownBy(() -> new Credentials(KEY_ID, SECRET, blank, EXPIRY))
        .hasMessage("sessionToken must not be blank");
  }

  @Test
  void refusesMissingExpiry() {
    assertThatThrownBy(() -> new Credentials(KEY_ID, SECRET, TOKEN, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("expiration");
  }

  @Test
  void blankPartErrorsNeverEchoTheOtherParts() {
    assertThatThrownBy(() -> new Credentials(KEY_ID, SECRET, "", EXPIRY))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
  }
}
