package io.podium.stsemulator;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.OptionalInt;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Renders STS query-protocol responses with the JDK's StAX writer: {@code
 * <XResponse><XResult>…</XResult><ResponseMetadata><RequestId>…} for results and {@code
 * <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>} for errors, in STS's
 * namespace.
 */
final class StsXml {

  static final String NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

  /** Second precision, UTC, {@code Z}: what STS sends and botocore parses. */
  static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private final XMLOutputFactory factory = XMLOutputFactory.newDefaultFactory();

  byte[] result(StsResult result, String requestId) {
    return render(
        writer -> {
          switch (result) {
            case StsResult.AssumedRole assumed -> {
              open(writer, "AssumeRole");
              writeSourceIdentity(writer, assumed.session());
              writeSession(writer, assumed.session());
              writePackedPolicySize(writer, assumed.packedPolicySize());
              close(writer, requestId);
            }
            case StsResult.AssumedRoleWithWebIdentity assumed -> {
              open(writer, "AssumeRoleWithWebIdentity");
              element(writer, "SubjectFromWebIdentityToken", assumed.subject());
              element(writer, "Audience", assumed.audience());
              writeSession(writer, assumed.session());
              writeOptional(writer, "Provider", assumed.provider());
              writePackedPolicySize(writer, assumed.packedPolicySize());
              close(writer, requestId);
            }
            case StsResult.CallerIdentity identity -> {
              open(writer, "GetCallerIdentity");
              element(writer, "Arn", identity.arn());
              element(writer, "UserId", identity.userId());
              element(writer, "Account", identity.account());
              close(writer, requestId);
            }
          }
        });
  }

  byte[] error(StsError error, String requestId) {
    return render(
        writer -> {
          writer.writeStartElement("ErrorResponse");
          writer.writeDefaultNamespace(NAMESPACE);
          writer.writeStartElement("Error");
          element(writer, "Type", error.type());
          element(writer, "Code", error.code());
          element(writer, "Message", error.message());
          writer.writeEndElement();
          element(writer, "RequestId", requestId);
          writer.writeEndElement();
        });
  }

  private static void open(XMLStreamWriter writer, String action) throws XMLStreamException {
    writer.writeStartElement(action + "Response");
    writer.writeDefaultNamespace(NAMESPACE);
    writer.writeStartElement(action + "Result");
  }

  private static void close(XMLStreamWriter writer, String requestId) throws XMLStreamException {
    writer.writeEndElement();
    writer.writeStartElement("ResponseMetadata");
    element(writer, "RequestId", requestId);
    writer.writeEndElement();
    writer.writeEndElement();
  }

  private static void writeSession(XMLStreamWriter writer, IssuedSession session)
      throws XMLStreamException {
    writer.writeStartElement("AssumedRoleUser");
    element(writer, "AssumedRoleId", session.assumedRoleId());
    element(writer, "Arn", session.assumedRoleArn());
    writer.writeEndElement();
    writer.writeStartElement("Credentials");
    element(writer, "AccessKeyId", session.accessKeyId());
    element(writer, "SecretAccessKey", session.secretAccessKey());
    element(writer, "SessionToken", session.sessionToken());
    element(writer, "Expiration", timestamp(session.expiration()));
    writer.writeEndElement();
  }

  private static void writeSourceIdentity(XMLStreamWriter writer, IssuedSession session)
      throws XMLStreamException {
    writeOptional(writer, "SourceIdentity", session.sourceIdentity());
  }

  private static void writePackedPolicySize(XMLStreamWriter writer, OptionalInt size)
      throws XMLStreamException {
    if (size.isPresent()) {
      element(writer, "PackedPolicySize", Integer.toString(size.getAsInt()));
    }
  }

  private static void writeOptional(XMLStreamWriter writer, String name, Optional<String> value)
      throws XMLStreamException {
    if (value.isPresent()) {
      element(writer, name, value.get());
    }
  }

  private static void element(XMLStreamWriter writer, String name, String text)
      throws XMLStreamException {
    writer.writeStartElement(name);
    writer.writeCharacters(xmlSafe(text));
    writer.writeEndElement();
  }

  /** Replaces what XML 1.0 cannot carry (control characters, lone surrogates) with U+FFFD. */
  static String xmlSafe(String text) {
    StringBuilder safe = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean allowed;
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        if (safe != null) {
          safe.append(c).append(text.charAt(i + 1));
        }
        i++;
        continue;
      }
      allowed =
          c == '\t'
              || c == '\n'
              || c == '\r'
              || (c >= 0x20 && c <= 0xD7FF)
              || (c >= 0xE000 && c <= 0xFFFD);
      if (!allowed && safe == null) {
        safe = new StringBuilder(text.length()).append(text, 0, i);
      }
      if (safe != null) {
        safe.append(allowed ? c : '\uFFFD');
      }
    }
    return safe == null ? text : safe.toString();
  }

  static String timestamp(Instant instant) {
    return TIMESTAMP.format(instant);
  }

  private byte[] render(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try {
      XMLStreamWriter writer = factory.createXMLStreamWriter(out, "UTF-8");
      body.write(writer);
      writer.writeEndDocument();
      writer.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("cannot render STS XML", e);
    }
    return out.toByteArray();
  }

  @FunctionalInterface
  private interface Body {
    void write(XMLStreamWriter writer) throws XMLStreamException;
  }
}
