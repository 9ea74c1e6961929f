package io.podium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A role annotation (or any other text a pod or a namespace wrote) with a newline must not forge a
 * log line, in either log format.
 */
class TextLogLayoutTest {

  private static final String FORGED =
      "team/x\n12:00:00.000 INFO  i.p.i.AuditLog pod.namespace=prod - Credentials handed to pod prod/db";

  private final LoggerContext context = new LoggerContext();

  private ILoggingEvent refusal(Throwable error) {
    LoggingEvent event =
        new LoggingEvent(
            "io.podium.imds.Exchange",
            context.getLogger("io.podium.imds.Exchange"),
            Level.INFO,
            "Refused GET /latest/meta-data/iam/security-credentials/ from 10.0.0.5 with 403: role"
                + " '{}' is invalid",
            error,
            new Object[] {FORGED});
    event.setMDCPropertyMap(Map.of("pod.name", "web\r\nINFO forged", "iam.role", "a\u2028b\tc"));
    return event;
  }

  private static String encode(Encoder<ILoggingEvent> encoder, ILoggingEvent event) {
    return new String(encoder.encode(event), StandardCharsets.UTF_8);
  }

  @Test
  void textLinesEscapeControlCharactersInTheMessageAndTheMdc() {
    String line = encode(TextLogLayout.encoder(context), refusal(null));

    assertThat(line).endsWith(System.lineSeparator());
    assertThat(line.strip().lines()).hasSize(1);
    assertThat(line)
        .contains("role 'team/x\\n12:00:00.000 INFO  i.p.i.AuditLog")
        .contains("web\\r\\nINFO forged")
        .contains("a\\u2028b\\tc");
  }

  @Test
  void textStackTracesKeepTheirFramesButEscapeTheirMessages() {
    IllegalStateException error =
        new IllegalStateException("bad role " + FORGED, new RuntimeException("cause\nforged"));

    String text = encode(TextLogLayout.encoder(context), refusal(error));

    assertThat(text.lines())
        .noneMatch(line -> line.startsWith("12:00:00.000"))
        .noneMatch(line -> line.equals("forged"))
        .anyMatch(line -> line.startsWith("java.lang.IllegalStateException: bad role team/x\\n"))
        .anyMatch(line -> line.contains("Caused by: java.lang.RuntimeException: cause\\nforged"))
        .anyMatch(line -> line.strip().startsWith("at io.podium.cli.TextLogLayoutTest"));
  }

  @Test
  void jsonLinesAsLogbackXmlConfiguresThemEscapeControlCharactersToo() {
    JsonEncoder json = new JsonEncoder();
    json.setContext(context);
    json.setWithSequenceNumber(false);
    json.setWithNanoseconds(false);
    json.setWithContext(false);
    json.setWithArguments(false);
    json.setWithMessage(false);
    json.setWithFormattedMessage(true);
    json.start();

    String line =
        encode(json, refusal(new IllegalStateException("bad\nrole", new RuntimeException("x\ny"))));

    assertThat(line.strip().lines()).hasSize(1);
    assertThat(line).contains("x\\n12:00:00.000").contains("web\\r\\nINFO forged");
  }

  @Test
  void escapesEveryControlCharacterAndLeavesTheRestAlone() {
    assertThat(TextLogLayout.escape("a\u0000b\u001bc\u007fd\u0085e\u2029f é ✓"))
        .isEqualTo("a\\u0000b\\u001bc\\u007fd\\u0085e\\u2029f é ✓");
    assertThat(TextLogLayout.escape("plain")).isSameAs("plain");
  }
}
