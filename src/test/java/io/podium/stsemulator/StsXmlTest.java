package io.podium.stsemulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.core.role.RoleArn;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class StsXmlTest {

  private final StsXml xml = new StsXml();
  private final IssuedSession session =
      new IssuedSession(
          "ASIAEXAMPLE000000001",
          "secret/secret+secret/secret+secret/secret",
          "token+/=",
          RoleArn.parse("arn:aws:iam::123456789012:role/path/reader"),
          "web-1",
          Instant.parse("2025-03-01T13:00:00.750Z"),
          false,
          Optional.of("alice"));

  @Test
  void rendersAssumeRoleResponseInStsNamespace() {
    byte[] body = xml.result(new StsResult.AssumedRole(session, OptionalInt.of(7)), "req-1");
    Document document = StsReplies.parse(body);
    Element root = document.getDocumentElement();

    assertThat(root.getLocalName()).isEqualTo("AssumeRoleResponse");
    assertThat(root.getNamespaceURI()).isEqualTo("https://sts.amazonaws.com/doc/2011-06-15/");
    assertThat(child(root, "AssumeRoleResult")).isNotNull();
    assertThat(StsReplies.text(body, "AccessKeyId")).isEqualTo("ASIAEXAMPLE000000001");
    assertThat(StsReplies.text(body, "SecretAccessKey"))
        .isEqualTo("secret/secret+secret/secret+secret/secret");
    assertThat(StsReplies.text(body, "SessionToken")).isEqualTo("token+/=");
    assertThat(StsReplies.text(body, "Expiration")).isEqualTo("2025-03-01T13:00:00Z");
    assertThat(StsReplies.text(body, "Arn"))
        .isEqualTo("arn:aws:sts::123456789012:assumed-role/reader/web-1");
    assertThat(StsReplies.text(body, "SourceIdentity")).isEqualTo("alice");
    assertThat(StsReplies.text(body, "PackedPolicySize")).isEqualTo("7");
    assertThat(StsReplies.text(body, "RequestId")).isEqualTo("req-1");
    assertThat(child(child(root, "ResponseMetadata"), "RequestId").getTextContent())
        .isEqualTo("req-1");
  }

  @Test
  void leavesOutOptionalElementsThatAreAbsent() {
    IssuedSession plain =
        new IssuedSession(
            session.accessKeyId(),
            session.secretAccessKey(),
            session.sessionToken(),
            session.role(),
            session.sessionName(),
            session.expiration(),
            false,
            Optional.empty());

    byte[] body = xml.result(new StsResult.AssumedRole(plain, OptionalInt.empty()), "r");

    assertThat(StsReplies.text(body, "SourceIdentity")).isNull();
    assertThat(StsReplies.text(body, "PackedPolicySize")).isNull();
  }

  @Test
  void rendersWebIdentityResponseWithSubjectAudienceAndProvider() {
    byte[] body =
        xml.result(
            new StsResult.AssumedRoleWithWebIdentity(
                session,
                "system:serviceaccount:a:b",
                "sts.amazonaws.com",
                Optional.of("arn:p"),
                OptionalInt.empty()),
            "r");

    assertThat(StsReplies.parse(body).getDocumentElement().getLocalName())
        .isEqualTo("AssumeRoleWithWebIdentityResponse");
    assertThat(StsReplies.text(body, "SubjectFromWebIdentityToken"))
        .isEqualTo("system:serviceaccount:a:b");
    assertThat(StsReplies.text(body, "Audience")).isEqualTo("sts.amazonaws.com");
    assertThat(StsReplies.text(body, "Provider")).isEqualTo("arn:p");
  }

  @Test
  void rendersCallerIdentity() {
    byte[] body =
        xml.result(new StsResult.CallerIdentity("AIDAX", "123456789012", "arn:aws:iam::x"), "r");

    assertThat(StsReplies.parse(body).getDocumentElement().getLocalName())
        .isEqualTo("GetCallerIdentityResponse");
    assertThat(StsReplies.text(body, "UserId")).isEqualTo("AIDAX");
    assertThat(StsReplies.text(body, "Account")).isEqualTo("123456789012");
    assertThat(StsReplies.text(body, "Arn")).isEqualTo("arn:aws:iam::x");
  }

  @Test
  void rendersErrorsWithTypeCodeMessageAndRequestId() {
    byte[] sender = xml.error(StsError.accessDenied("no <way> & \"never\""), "req-9");
    byte[] receiver = xml.error(StsError.internalFailure(), "req-10");
    Element root = StsReplies.parse(sender).getDocumentElement();

    assertThat(root.getLocalName()).isEqualTo("ErrorResponse");
    assertThat(root.getNamespaceURI()).isEqualTo(StsXml.NAMESPACE);
    assertThat(child(child(root, "Error"), "Code").getTextContent()).isEqualTo("AccessDenied");
    assertThat(child(root, "RequestId").getTextContent()).isEqualTo("req-9");
    assertThat(StsReplies.text(sender, "Type")).isEqualTo("Sender");
    assertThat(StsReplies.text(sender, "Message")).isEqualTo("no <way> & \"never\"");
    assertThat(new String(sender, StandardCharsets.UTF_8)).doesNotContain("<way>");
    assertThat(StsReplies.text(receiver, "Type")).isEqualTo("Receiver");
  }

  @Test
  void replacesCharactersXmlCannotCarry() {
    byte[] body = xml.error(StsError.validation("bell\u0007 and \uD800 lone, 😀 kept"), "r");

    assertThat(StsReplies.text(body, "Message")).isEqualTo("bell\uFFFD and \uFFFD lone, 😀 kept");
  }

  private static Element child(Element parent, String localName) {
    return (Element) parent.getElementsByTagNameNS(StsXml.NAMESPACE, localName).item(0);
  }
}
