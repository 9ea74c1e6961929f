package io.podium.core.role;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class NamespacePolicyTest {

  private static final Optional<RoleBaseArn> BASE =
      Optional.of(RoleBaseArn.parse("arn:aws:iam::123456789012:role/"));

  @Test
  void ignoresTheTrailingNewlineOfAYamlBlockScalar() {
    NamespacePolicy policy = NamespacePolicy.compile("shop", "web-.*\n", AllowedRoles.ABSENT, BASE);

    assertThat(policy.permittingRule(RoleArn.parse("arn:aws:iam::123456789012:role/web-a")))
        .isPresent();
    assertThat(policy.problems()).isEmpty();
  }

  @Test
  void remembersDecisionsWithoutChangingThem() {
    NamespacePolicy policy = NamespacePolicy.compile("shop", "web-.*", AllowedRoles.ABSENT, BASE);
    RoleArn permitted = RoleArn.parse("arn:aws:iam::123456789012:role/web-a");
    RoleArn other = RoleArn.parse("arn:aws:iam::123456789012:role/admin");

    for (int i = 0; i < 3; i++) {
      assertThat(policy.permittingRule(permitted)).isPresent();
      assertThat(policy.permittingRule(other)).isEmpty();
    }
    // More distinct roles than it remembers: answers stay right after the memory is cleared.
    for (int i = 0; i < 3000; i++) {
      RoleArn role =
          RoleArn.parse("arn:aws:iam::123456789012:role/" + (i % 2 == 0 ? "web-" : "x-") + i);
      assertThat(policy.permittingRule(role).isPresent()).isEqualTo(i % 2 == 0);
    }
    assertThat(policy.permittingRule(permitted)).isPresent();
  }
}
