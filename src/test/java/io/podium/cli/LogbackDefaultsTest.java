package io.podium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Production's logging set-up, applied to a fresh logback context. */
class LogbackDefaultsTest {

  @Test
  void jsonLinesOnStdoutAndAnAuditTrailThatNeverDropsARecord() {
    LoggerContext context = new LoggerContext();
    LogbackDefaults.configureDefaults(context);

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertThat(root.getLevel()).isEqualTo(Level.INFO);
    assertThat(root.getAppender("STDOUT"))
        .isInstanceOfSatisfying(
            ConsoleAppender.class,
            console -> {
              assertThat(console.isStarted()).isTrue();
              assertThat(console.getEncoder()).isInstanceOf(JsonEncoder.class);
            });

    Logger audit = context.getLogger(LoggingOptions.AUDIT_LOGGER);
    assertThat(audit.isAdditive()).as("the audit trail is written once").isFalse();
    assertThat(audit.getAppender("AUDIT"))
        .isInstanceOfSatisfying(
            AsyncAppender.class,
            async -> {
              assertThat(async.getQueueSize()).isEqualTo(8192);
              assertThat(async.getDiscardingThreshold()).isZero();
              assertThat(async.isNeverBlock()).isFalse();
              assertThat(async.getAppender("STDOUT")).isSameAs(root.getAppender("STDOUT"));
            });

    // HTTP wire logging at DEBUG would print request signatures and session tokens.
    assertThat(context.getLogger("org.apache.hc").getLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("software.amazon.awssdk").getLevel()).isEqualTo(Level.WARN);
  }

  @Test
  void logbackFindsItAndATestsLogbackXmlStillWins() throws Exception {
    try (InputStream services =
        LogbackDefaults.class.getResourceAsStream(
            "/META-INF/services/" + Configurator.class.getName())) {
      assertThat(services).isNotNull();
      assertThat(new String(services.readAllBytes(), StandardCharsets.UTF_8).strip())
          .isEqualTo(LogbackDefaults.class.getName());
    }
    // The tests' classpath has logback-test.xml: the defaults step aside for it.
    LogbackDefaults defaults = new LogbackDefaults();
    LoggerContext context = new LoggerContext();
    defaults.setContext(context);
    assertThat(defaults.configure(context))
        .isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT")).isNull();
  }
}
