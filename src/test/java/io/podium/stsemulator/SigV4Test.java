package io.podium.stsemulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SigV4Test {

  /** AWS's published SigV4 example (IAM ListUsers, 2015-08-30, the documentation's keys). */
  @Test
  void reproducesAwsDocumentedExampleSignature() {
    StsRequest request =
        StsRequest.parse(
            "GET",
            "/?Action=ListUsers&Version=2010-05-08",
            Map.of(
                "Host", List.of("iam.amazonaws.com"),
                "Content-Type", List.of("application/x-www-form-urlencoded; charset=utf-8"),
                "X-Amz-Date", List.of("20150830T123600Z")),
            new byte[0]);
    String canonical =
        SigV4.canonicalRequest(
            request,
            List.of("content-type", "host", "x-amz-date"),
            SigV4.sha256Hex(new byte[0]),
            false);

    assertThat(SigV4.sha256Hex(canonical))
        .isEqualTo("f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
    assertThat(
            SigV4.signature(
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                "20150830",
                "us-east-1",
                "iam",
                SigV4.stringToSign(
                    "20150830T123600Z", "20150830/us-east-1/iam/aws4_request", canonical)))
        .isEqualTo("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
  }

  /**
   * Why the verifier does not recompute signatures with the SDK's AwsV4HttpSigner: that signer
   * always adds and signs x-amz-content-sha256, which botocore and the AWS CLI do not send to STS
   * (they sign content-type;host;x-amz-date), so it cannot reproduce their signatures. If this test
   * starts failing, the SDK signer may have become usable for verification.
   */
  @Test
  void sdkSignerAlwaysSignsContentSha256WhichBotocoreDoesNotSend() {
    StsRequest signed = SignedRequests.action("GetCallerIdentity").build();

    assertThat(signed.header("authorization").orElseThrow())
        .contains("SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date,");
  }

  @Test
  void canonicalQuerySortsByNameThenValueAndEncodesStrictly() {
    assertThat(SigV4.canonicalQuery("b=2&a=z&a=y&c=x%20y+z&d", false))
        .isEqualTo("a=y&a=z&b=2&c=x%20y%2Bz&d=");
  }

  @Test
  void canonicalQueryLeavesOutThePresignedSignature() {
    assertThat(SigV4.canonicalQuery("X-Amz-Signature=abc&Action=GetCallerIdentity", true))
        .isEqualTo("Action=GetCallerIdentity");
  }

  @Test
  void canonicalUriNormalizesDotSegmentsAndEncodesTheSentPathAgain() {
    assertThat(SigV4.canonicalUri("")).isEqualTo("/");
    assertThat(SigV4.canonicalUri("/a/./b/../c/")).isEqualTo("/a/c/");
    assertThat(SigV4.canonicalUri("/a%20b")).isEqualTo("/a%2520b");
  }

  @Test
  void canonicalHeaderValuesAreTrimmedWithInnerWhiteSpaceCollapsed() {
    assertThat(SigV4.trimAll("  a   b \t c  ")).isEqualTo("a b c");
  }

  @Test
  void percentDecodingKeepsPlusAndMultiByteCharacters() {
    assertThat(SigV4.percentDecode("a+b%2Fc%E2%82%AC%zz")).isEqualTo("a+b/c€%zz");
    assertThat(SigV4.encode("€", false))
        .isEqualTo(
            "%" + String.format("%02X", "€".getBytes(StandardCharsets.UTF_8)[0] & 0xff) + "%82%AC");
  }
}
