package io.podium.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Captures every log event while a test runs, rendered exactly as production renders it (the JSON
 * encoder, with stack traces), so that tests can assert on messages and that no secret appears.
 *
 * <p>Use as {@code @RegisterExtension final LogCapture logs = new LogCapture();}.
 */
public final class LogCapture implements BeforeEachCallback, AfterEachCallback {

  private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
  private final List<String> rendered = new CopyOnWriteArrayList<>();
  private Appender appender;
  private Level previousPodiumLevel;

  @Override
  public void beforeEach(ExtensionContext context) {
    start();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    stop();
  }

  /** Starts capturing; for use outside JUnit's extension model. */
  public void start() {
    LoggerContext loggerContext = (LoggerContext) LoggerFactory.getILoggerFactory();
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(loggerContext);
    encoder.start();
    appender = new Appender(encoder);
    appender.setContext(loggerContext);
    appender.start();
    loggerContext.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
    // Debug lines must be free of secrets too, so capture them while listening.
    Logger podium = loggerContext.getLogger("io.podium");
    previousPodiumLevel = podium.getLevel();
    podium.setLevel(Level.DEBUG);
  }

  /** Stops capturing. */
  public void stop() {
    LoggerContext loggerContext = (LoggerContext) LoggerFactory.getILoggerFactory();
    loggerContext.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
    loggerContext.getLogger("io.podium").setLevel(previousPodiumLevel);
    appender.stop();
  }

  /** The events seen so far. */
  public List<ILoggingEvent> events() {
    return List.copyOf(events);
  }

  /** Every captured line as the production JSON encoder writes it, stack traces included. */
  public List<String> renderedLines() {
    return List.copyOf(rendered);
  }

  /** All rendered output in one string, for "never contains" assertions. */
  public String allOutput() {
    return String.join("\n", rendered);
  }

  /** Formatted messages of events whose logger name starts with the given prefix. */
  public List<String> messagesFrom(String loggerPrefix) {
    return events.stream()
        .filter(e -> e.getLoggerName().startsWith(loggerPrefix))
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  private final class Appender extends AppenderBase<ILoggingEvent> {
    private final JsonEncoder encoder;

    Appender(JsonEncoder encoder) {
      this.encoder = encoder;
    }

    @Override
    protected void append(ILoggingEvent event) {
      event.prepareForDeferredProcessing();
      events.add(event);
      rendered.add(new String(encoder.encode(event), StandardCharsets.UTF_8));
    }
  }
}
