package io.podium.cli;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Podium's logging set-up, made in code when logback starts (found through {@code
 * META-INF/services}): JSON lines on stdout; the audit logger ({@value
 * LoggingOptions#AUDIT_LOGGER}) behind an asynchronous appender that never drops a record; the
 * libraries' loggers at INFO or WARN. {@code --log-format text} and {@code --audit-log FILE} change
 * it at start-up ({@link LoggingOptions}).
 *
 * <p>In code rather than a logback.xml because reading XML costs every process about 350 classes
 * (logback's Joran and the JDK's XML parser) and a tenth of a second at start, on every node. A
 * {@code -Dlogback.configurationFile} or a {@code logback-test.xml} (the tests') still wins.
 */
public final class LogbackDefaults extends ContextAwareBase implements Configurator {

  static final String CONSOLE_APPENDER = "STDOUT";
  static final String AUDIT_APPENDER = "AUDIT";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null
        || LogbackDefaults.class.getClassLoader().getResource("logback-test.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    configureDefaults(context);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** Podium's appenders and levels, in a context that has none yet. */
  static void configureDefaults(LoggerContext context) {
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName(CONSOLE_APPENDER);
    console.setEncoder(jsonEncoder(context));
    console.start();

    // One record per credential handed to a pod; its own logger so that it can be shipped apart.
    // Written off the request threads; never discarded (a full queue makes callers wait).
    AsyncAppender audit = new AsyncAppender();
    audit.setContext(context);
    audit.setName(AUDIT_APPENDER);
    audit.setQueueSize(8192);
    audit.setDiscardingThreshold(0);
    audit.setNeverBlock(false);
    audit.addAppender(console);
    audit.start();
    Logger auditLogger = context.getLogger(LoggingOptions.AUDIT_LOGGER);
    auditLogger.setLevel(Level.INFO);
    auditLogger.setAdditive(false);
    auditLogger.addAppender(audit);

    context.getLogger("io.netty").setLevel(Level.INFO);
    context.getLogger("software.amazon.awssdk").setLevel(Level.WARN);
    context.getLogger("org.apache.hc").setLevel(Level.WARN);
    context.getLogger("io.fabric8").setLevel(Level.INFO);
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(console);
  }

  /**
   * One JSON object per line: timestamp, level, thread, logger and the formatted message, without
   * logback's sequence numbers, nanoseconds, context or raw arguments.
   */
  static JsonEncoder jsonEncoder(LoggerContext context) {
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    encoder.setWithSequenceNumber(false);
    encoder.setWithNanoseconds(false);
    encoder.setWithContext(false);
    encoder.setWithArguments(false);
    encoder.setWithMessage(false);
    encoder.setWithFormattedMessage(true);
    encoder.start();
    return encoder;
  }
}
