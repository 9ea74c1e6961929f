package io.podium.stsemulator;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/** Reads the XML of emulator replies in tests. */
final class StsReplies {

  private StsReplies() {}

  static Document parse(byte[] xml) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    } catch (Exception e) {
      throw new AssertionError(
          "not well-formed XML: " + new String(xml, StandardCharsets.UTF_8), e);
    }
  }

  /** The text of the first element with this local name in STS's namespace, or null. */
  static String text(byte[] xml, String element) {
    NodeList nodes = parse(xml).getElementsByTagNameNS(StsXml.NAMESPACE, element);
    return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent();
  }

  static String text(StsReply reply, String element) {
    return text(reply.body(), element);
  }

  static String code(StsReply reply) {
    return text(reply, "Code");
  }

  static String message(StsReply reply) {
    return text(reply, "Message");
  }

  /** The issued session named in an AssumeRole reply, by its credentials. */
  static ReturnedCredentials credentials(StsReply reply) {
    return new ReturnedCredentials(
        text(reply, "AccessKeyId"), text(reply, "SecretAccessKey"), text(reply, "SessionToken"));
  }

  /** The credentials an AssumeRole reply carries. */
  record ReturnedCredentials(String accessKeyId, String secretAccessKey, String sessionToken) {}
}
