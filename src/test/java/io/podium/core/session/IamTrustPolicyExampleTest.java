package io.podium.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.core.pod.PodIdentity;
import io.podium.core.role.RoleArn;
import io.podium.testing.TestPods;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The trust condition docs/iam.md recommends for pod roles, {@code sts:RoleSessionName} like {@code
 * shop@*}, evaluated as IAM's {@code StringLike} evaluates it against the session names Podium
 * sends: it admits namespace {@code shop}'s pods and no pod of any other namespace, whatever the
 * pods annotate and whatever their namespaces are called.
 */
class IamTrustPolicyExampleTest {

  private static final RoleArn ROLE = RoleArn.parse("arn:aws:iam::123456789012:role/k8s/shop-web");

  private static String condition;

  private final SessionRequestFactory sessions = SessionRequestFactory.withDefaults();

  @BeforeAll
  static void readTheExample() throws IOException {
    String doc = Files.readString(Path.of("docs/iam.md"));
    Matcher example =
        Pattern.compile("\"StringLike\": \\{\"sts:RoleSessionName\": \"([^\"]+)\"\\}").matcher(doc);
    assertThat(example.find()).as("docs/iam.md has a sts:RoleSessionName example").isTrue();
    condition = example.group(1);
  }

  @Test
  void theExampleAdmitsTheNamespacesOwnPods() {
    assertThat(condition).isEqualTo("shop@*");
    assertThat(admits(TestPods.running("shop", "web-7f9c").build(), false)).isTrue();
    assertThat(admits(TestPods.running("shop", "batch").withSessionName("nightly").build(), true))
        .isTrue();
  }

  @Test
  void theExampleRefusesANamespaceWhoseNameStartsLikeIt() {
    assertThat(admits(TestPods.running("shop-evil", "web").build(), false)).isFalse();
    assertThat(admits(TestPods.running("shop-evil", "web").build(), true)).isFalse();
    assertThat(admits(TestPods.running("shopping", "web").build(), false)).isFalse();
  }

  @Test
  void theExampleRefusesPodsThatNameThemselvesIntoTheNamespace() {
    for (String chosen : new String[] {"shop@payments", "shop-payments", "@shop@x", "shop"}) {
      for (boolean allowed : new boolean[] {false, true}) {
        PodIdentity impostor = TestPods.running("dev", "x").withSessionName(chosen).build();
        assertThat(admits(impostor, allowed)).as("%s (allowed: %s)", chosen, allowed).isFalse();
        PodIdentity neighbour = TestPods.running("shop-evil", "x").withSessionName(chosen).build();
        assertThat(admits(neighbour, allowed)).as("%s (allowed: %s)", chosen, allowed).isFalse();
      }
    }
  }

  private boolean admits(PodIdentity pod, boolean namespaceAllowsNames) {
    return stringLike(condition, sessions.forPod(pod, ROLE, namespaceAllowsNames).sessionName());
  }

  /**
   * IAM's {@code StringLike}: case-sensitive, the whole value, {@code *} any run of characters and
   * {@code ?} any one character.
   */
  static boolean stringLike(String pattern, String value) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(value).matches();
  }

  @Test
  void stringLikeBehavesAsIamDocumentsIt() {
    assertThat(stringLike("shop@*", "shop@web")).isTrue();
    assertThat(stringLike("shop@*", "shop@")).isTrue();
    assertThat(stringLike("shop@*", "Shop@web")).isFalse();
    assertThat(stringLike("shop-*", "shop-evil-web")).isTrue();
    assertThat(stringLike("s?op@*", "shop@x")).isTrue();
  }
}
