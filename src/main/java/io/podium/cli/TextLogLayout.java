package io.podium.cli;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.Context;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.pattern.CompositeConverter;
import java.nio.charset.StandardCharsets;

/**
 * The {@code --log-format text} line: time, level, logger, MDC and message, with every control
 * character in the MDC, the message and exception messages escaped ({@code \n}, {@code \r}, {@code
 * \t}, {@code \}{@code uXXXX}). Messages carry what pods and namespaces wrote (annotations, paths,
 * regexes), so a newline there must not start a line that looks like Podium's own. A stack trace
 * keeps one line per frame; only the messages in it are escaped.
 */
final class TextLogLayout {

  // The empty {} ends a composite: logback's parser reads a '%' right after ')' as a literal.
  static final String PATTERN =
      "%d{HH:mm:ss.SSS} %-5level %logger{24} %escaped(%mdc){} - %escaped(%msg){}%n%escapedEx";

  private TextLogLayout() {}

  /** An encoder of text lines for {@code context}, started. */
  static Encoder<ILoggingEvent> encoder(Context context) {
    PatternLayout layout = new PatternLayout();
    layout.setContext(context);
    layout.getInstanceConverterMap().put("escaped", Escaped::new);
    layout.getInstanceConverterMap().put("escapedEx", EscapedThrowable::new);
    layout.setPattern(PATTERN);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setCharset(StandardCharsets.UTF_8);
    encoder.setLayout(layout);
    encoder.start();
    return encoder;
  }

  /**
   * {@code text} with control characters (C0, DEL, C1, and the Unicode line separators) escaped.
   */
  static String escape(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean control = c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
      if (!control) {
        if (out != null) {
          out.append(c);
        }
        continue;
      }
      if (out == null) {
        out = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> out.append(String.format("\\u%04x", (int) c));
      }
    }
    return out == null ? text : out.toString();
  }

  /** {@code %escaped(...)}: what the converters inside write, escaped. */
  static final class Escaped extends CompositeConverter<ILoggingEvent> {
    @Override
    protected String transform(ILoggingEvent event, String in) {
      return escape(in);
    }
  }

  /** {@code %escapedEx}: logback's stack trace with each exception's message escaped. */
  static final class EscapedThrowable extends ThrowableProxyConverter {
    @Override
    protected String throwableProxyToString(IThrowableProxy proxy) {
      return super.throwableProxyToString(new EscapedProxy(proxy));
    }
  }

  /** A throwable as logback sees it, its messages (and its causes') escaped. */
  private record EscapedProxy(IThrowableProxy proxy) implements IThrowableProxy {
    @Override
    public String getOverridingMessage() {
      return escape(proxy.getOverridingMessage());
    }

    @Override
    public String getMessage() {
      return escape(proxy.getMessage());
    }

    @Override
    public String getClassName() {
      return proxy.getClassName();
    }

    @Override
    public StackTraceElementProxy[] getStackTraceElementProxyArray() {
      return proxy.getStackTraceElementProxyArray();
    }

    @Override
    public int getCommonFrames() {
      return proxy.getCommonFrames();
    }

    @Override
    public IThrowableProxy getCause() {
      return proxy.getCause() == null ? null : new EscapedProxy(proxy.getCause());
    }

    @Override
    public IThrowableProxy[] getSuppressed() {
      IThrowableProxy[] suppressed = proxy.getSuppressed();
      if (suppressed == null) {
        return null;
      }
      IThrowableProxy[] escaped = new IThrowableProxy[suppressed.length];
      for (int i = 0; i < suppressed.length; i++) {
        escaped[i] = new EscapedProxy(suppressed[i]);
      }
      return escaped;
    }

    @Override
    public boolean isCyclic() {
      return proxy.isCyclic();
    }
  }
}
