package io.podium.cli;

import static io.podium.cli.OptionErrors.invalid;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code --log-format} and {@code --audit-log} options shared by every long-running command.
 */
final class LoggingOptions {

  /** The logger of the audit trail: one record per credentials document handed to a pod. */
  static final String AUDIT_LOGGER = "podium.audit";

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  enum LogFormat {
    json,
    text
  }

  @Option(
      names = "--log-format",
      defaultValue = "json",
      paramLabel = "json|text",
      description =
          "Log output: json (one JSON object per line) or text (default: ${DEFAULT-VALUE}).")
  LogFormat logFormat;

  @Option(
      names = "--audit-log",
      paramLabel = "FILE|stdout",
      defaultValue = "stdout",
      description =
          "Where the audit trail (logger podium.audit: one JSON record per credentials document"
              + " handed to a pod) goes: stdout, mixed with the other logs and told apart by its"
              + " loggerName (the default), or a file of JSON lines of its own, rolled over at"
              + " 100 MB with 5 old files kept (FILE.1 ... FILE.5), e.g. on a volume a log"
              + " shipper reads.")
  String auditLog;

  /**
   * Applies the chosen format and audit destination; JSON on stdout is the default ({@link
   * LogbackDefaults}).
   */
  void apply() {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    Path auditFile = auditFile();
    if (logFormat == LogFormat.text) {
      useTextFormat();
    }
    if (auditFile != null) {
      auditTo(auditFile);
    }
    if (PodiumCommand.debug(command)) {
      debugPodium();
    }
    // Old flags were rewritten before parsing; their warnings wait for the chosen format.
    var log = LoggerFactory.getLogger(command.userObject().getClass());
    for (String warning : PodiumCommand.takeWarnings(command)) {
      log.warn("{}", warning);
    }
  }

  /**
   * --debug: Podium's own loggers at DEBUG; the libraries' stay where LogbackDefaults puts them.
   */
  private static void debugPodium() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.getLogger("io.podium").setLevel(ch.qos.logback.classic.Level.DEBUG);
    }
  }

  /**
   * Stops logging, writing out what the asynchronous audit appender still holds: called last on the
   * way out, so that no audit record is lost when the JVM halts.
   */
  static void flush() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.stop();
    }
  }

  /**
   * Tells the operator on stdout what the process serves: a plain line with {@code --log-format
   * text}; with JSON, a log record like every other line, so that stdout stays pure JSON lines.
   */
  void announce(CommandSpec spec, String line) {
    if (logFormat == LogFormat.text) {
      spec.commandLine().getOut().println(line);
      spec.commandLine().getOut().flush();
    } else {
      LoggerFactory.getLogger(spec.userObject().getClass()).info("{}", line);
    }
  }

  /** The audit file, checked, or {@code null} for stdout. */
  private Path auditFile() {
    if (auditLog == null || auditLog.isBlank() || auditLog.strip().equals("stdout")) {
      return null;
    }
    Path file = Path.of(auditLog.strip()).toAbsolutePath();
    Path directory = file.getParent();
    if (directory == null || !Files.isDirectory(directory) || !Files.isWritable(directory)) {
      throw invalid(
          command,
          "--audit-log "
              + auditLog
              + ": the directory "
              + directory
              + " does not exist or is not writable; mount a volume there");
    }
    if (Files.isDirectory(file)) {
      throw invalid(command, "--audit-log " + auditLog + " is a directory: name a file");
    }
    return file;
  }

  /**
   * Sends the audit logger's records to {@code file} as JSON lines instead of stdout, keeping the
   * asynchronous appender of LogbackDefaults in front (records are never dropped).
   */
  private static void auditTo(Path file) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    Logger audit = context.getLogger(AUDIT_LOGGER);
    JsonEncoder encoder = LogbackDefaults.jsonEncoder(context);

    RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
    appender.setContext(context);
    appender.setName("AUDIT_FILE");
    appender.setFile(file.toString());
    appender.setEncoder(encoder);
    FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
    rolling.setContext(context);
    rolling.setParent(appender);
    rolling.setFileNamePattern(file + ".%i");
    rolling.setMinIndex(1);
    rolling.setMaxIndex(5);
    rolling.start();
    SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
    trigger.setContext(context);
    trigger.setMaxFileSize(FileSize.valueOf("100MB"));
    trigger.start();
    appender.setRollingPolicy(rolling);
    appender.setTriggeringPolicy(trigger);
    appender.start();

    // A fresh asynchronous appender in front of the file, like LogbackDefaults' in front of stdout
    // (records are never dropped). The old one is detached, not stopped: stopping it would stop
    // the console appender behind it, which every other logger uses.
    AsyncAppender async = new AsyncAppender();
    async.setContext(context);
    async.setName("AUDIT_FILE_ASYNC");
    async.setQueueSize(8192);
    async.setDiscardingThreshold(0);
    async.setNeverBlock(false);
    async.addAppender(appender);
    async.start();
    audit.detachAppender(LogbackDefaults.AUDIT_APPENDER);
    audit.addAppender(async);
    audit.setAdditive(false);
  }

  private static void useTextFormat() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    if (!(root.getAppender(LogbackDefaults.CONSOLE_APPENDER)
        instanceof ConsoleAppender<?> appender)) {
      return;
    }
    // Control characters escaped: messages quote what pods and namespaces wrote.
    Encoder<ILoggingEvent> encoder = TextLogLayout.encoder(context);
    @SuppressWarnings("unchecked")
    ConsoleAppender<ch.qos.logback.classic.spi.ILoggingEvent> console =
        (ConsoleAppender<ch.qos.logback.classic.spi.ILoggingEvent>) appender;
    console.stop();
    console.setEncoder(encoder);
    console.start();
  }
}
