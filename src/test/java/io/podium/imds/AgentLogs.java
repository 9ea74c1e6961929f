package io.podium.imds;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.podium.testing.LogCapture;
import java.util.List;

/**
 * What the metadata API logged about requests at INFO or above, whatever the logging configuration
 * (the server's own start and stop lines left out).
 */
final class AgentLogs {

  private AgentLogs() {}

  static List<String> lines(LogCapture logs) {
    return events(logs).stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  static List<ILoggingEvent> events(LogCapture logs) {
    return logs.events().stream()
        .filter(event -> event.getLoggerName().startsWith("io.podium.imds"))
        .filter(event -> !event.getLoggerName().equals(MetadataServer.class.getName()))
        .filter(event -> event.getLevel().isGreaterOrEqual(Level.INFO))
        .toList();
  }

  static List<ILoggingEvent> audit(LogCapture logs) {
    return logs.events().stream()
        .filter(event -> event.getLoggerName().equals("podium.audit"))
        .toList();
  }
}
