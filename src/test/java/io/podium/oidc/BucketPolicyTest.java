package io.podium.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The public-read statement merged into a bucket's policy. */
class BucketPolicyTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final tools.jackson.databind.node.ObjectNode statement =
      BucketPolicy.statement(
          "aws",
          "oidc-bucket",
          "prod/",
          List.of("prod/.well-known/openid-configuration", "prod/openid/v1/jwks"));

  @Test
  void grantsGetObjectOnExactlyTheTwoDocumentsToEveryone() {
    JsonNode policy = JSON.readTree(BucketPolicy.alone(statement));

    JsonNode only = policy.get("Statement").get(0);
    assertThat(policy.get("Version").asString()).isEqualTo("2012-10-17");
    assertThat(only.get("Effect").asString()).isEqualTo("Allow");
    assertThat(only.get("Principal").asString()).isEqualTo("*");
    assertThat(only.get("Action").asString()).isEqualTo("s3:GetObject");
    assertThat(only.get("Resource").valueStream().map(JsonNode::asString))
        .containsExactly(
            "arn:aws:s3:::oidc-bucket/prod/.well-known/openid-configuration",
            "arn:aws:s3:::oidc-bucket/prod/openid/v1/jwks");
  }

  @Test
  void keepsEveryOtherStatementOfTheExistingPolicy() {
    String existing =
        "{\"Version\":\"2012-10-17\",\"Statement\":{\"Sid\":\"Logs\",\"Effect\":\"Allow\","
            + "\"Principal\":{\"Service\":\"logging.s3.amazonaws.com\"},\"Action\":\"s3:PutObject\","
            + "\"Resource\":\"arn:aws:s3:::oidc-bucket/logs/*\"}}";

    BucketPolicy.Merge merge = BucketPolicy.merge(Optional.of(existing), statement);
    JsonNode statements = JSON.readTree(merge.policy()).get("Statement");

    assertThat(merge.changed()).isTrue();
    assertThat(statements).hasSize(2);
    assertThat(statements.get(0).get("Sid").asString()).isEqualTo("Logs");
    assertThat(statements.get(1).get("Sid").asString()).isEqualTo("PodiumOidcPublicReadprod");
  }

  @Test
  void replacesItsOwnStatementAndSeesWhenNothingChanged() {
    String once = BucketPolicy.merge(Optional.empty(), statement).policy();
    var other =
        BucketPolicy.statement(
            "aws", "oidc-bucket", "prod/", List.of("prod/.well-known/openid-configuration"));

    BucketPolicy.Merge again = BucketPolicy.merge(Optional.of(once), statement);
    BucketPolicy.Merge changed = BucketPolicy.merge(Optional.of(once), other);

    assertThat(again.changed()).isFalse();
    assertThat(changed.changed()).isTrue();
    assertThat(JSON.readTree(changed.policy()).get("Statement")).hasSize(1);
  }

  @Test
  void clustersSharingABucketKeepTheirOwnStatements() {
    var staging =
        BucketPolicy.statement("aws", "oidc-bucket", "staging/", List.of("staging/openid/v1/jwks"));

    String both =
        BucketPolicy.merge(
                Optional.of(BucketPolicy.merge(Optional.empty(), statement).policy()), staging)
            .policy();

    assertThat(JSON.readTree(both).get("Statement")).hasSize(2);
  }
}
