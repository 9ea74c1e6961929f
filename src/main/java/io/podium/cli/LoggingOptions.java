package io.podium.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine.Option;

/** The {@code --log-format} option shared by every long-running command. */
final class LoggingOptions {

  enum LogFormat {
    json,
    text
  }

  @Option(
      names = "--log-format",
      defaultValue = "json",
      description = "Log output: json (one JSON object per line, the default) or text.")
  LogFormat logFormat = LogFormat.json;

  /** Applies the chosen format; JSON is what logback.xml already configures. */
  void apply() {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    if (logFormat == LogFormat.text) {
      useTextFormat();
    }
  }

  private static void useTextFormat() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    if (!(root.getAppender("STDOUT") instanceof ConsoleAppender<?> appender)) {
      return;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{24} %mdc - %msg%n%throwable");
    encoder.start();
    @SuppressWarnings("unchecked")
    ConsoleAppender<ch.qos.logback.classic.spi.ILoggingEvent> console =
        (ConsoleAppender<ch.qos.logback.classic.spi.ILoggingEvent>) appender;
    console.stop();
    console.setEncoder(encoder);
    console.start();
  }
}
