package io.podium.core.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podium.core.role.RoleArn;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SessionRequestTest {

  private static final RoleArn READER = RoleArn.parse("arn:aws:iam::123456789012:role/reader");
  private static final Duration HOUR = Duration.ofHours(1);
  private static final SessionRequest BASE =
      new SessionRequest(READER, "ns-web", "ext", HOUR, Map.of("k", "v"), "source");

  static Stream<Arguments> requestsDifferingInOneInput() {
    return Stream.of(
        Arguments.of(
            "role",
            new SessionRequest(
                RoleArn.parse("arn:aws:iam::123456789012:role/writer"),
                "ns-web",
                "ext",
                HOUR,
                Map.of("k", "v"),
                "source")),
        Arguments.of(
            "session name",
            new SessionRequest(READER, "ns-api", "ext", HOUR, Map.of("k", "v"), "source")),
        Arguments.of(
            "external id",
            new SessionRequest(READER, "ns-web", "ext2", HOUR, Map.of("k", "v"), "source")),
        Arguments.of(
            "no external id",
            new SessionRequest(READER, "ns-web", null, HOUR, Map.of("k", "v"), "source")),
        Arguments.of(
            "duration",
            new SessionRequest(
                READER, "ns-web", "ext", Duration.ofMinutes(59), Map.of("k", "v"), "source")),
        Arguments.of(
            "tag value",
            new SessionRequest(READER, "ns-web", "ext", HOUR, Map.of("k", "w"), "source")),
        Arguments.of(
            "extra tag",
            new SessionRequest(
                READER, "ns-web", "ext", HOUR, Map.of("k", "v", "k2", "v"), "source")),
        Arguments.of(
            "source identity",
            new SessionRequest(READER, "ns-web", "ext", HOUR, Map.of("k", "v"), "other")),
        Arguments.of(
            "no source identity",
            new SessionRequest(READER, "ns-web", "ext", HOUR, Map.of("k", "v"), null)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("requestsDifferingInOneInput")
  void differsWhenAnyInputDiffers(String input, SessionRequest other) {
    assertThat(other).isNotEqualTo(BASE);
  }

  @Test
  void isEqualWhenEveryInputIsEqual() {
    SessionRequest same =
        new SessionRequest(
            RoleArn.parse("arn:aws:iam::123456789012:role/reader"),
            new String("ns-web"),
            new String("ext"),
            Duration.ofMinutes(60),
            new HashMap<>(Map.of("k", "v")),
            "source");

    assertThat(same).isEqualTo(BASE).hasSameHashCodeAs(BASE);
  }

  @Test
  void sortsTagsSoThatTheirOrderDoesNotMatter() {
    Map<String, String> ab = new LinkedHashMap<>();
    ab.put("a", "1");
    ab.put("b", "2");
    Map<String, String> ba = new LinkedHashMap<>();
    ba.put("b", "2");
    ba.put("a", "1");

    SessionRequest first = new SessionRequest(READER, "s1", null, HOUR, ab, null);
    SessionRequest second = new SessionRequest(READER, "s1", null, HOUR, ba, null);

    assertThat(first).isEqualTo(second).hasSameHashCodeAs(second);
    assertThat(second.tags().keySet()).containsExactly("a", "b");
  }

  @Test
  void copiesAndFreezesItsTags() {
    Map<String, String> tags = new HashMap<>(Map.of("k", "v"));
    SessionRequest request = new SessionRequest(READER, "s1", null, HOUR, tags, null);

    tags.put("k2", "v2");

    assertThat(request.tags()).containsOnlyKeys("k");
    assertThatThrownBy(() -> request.tags().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void requiresRoleSessionNameAndDuration() {
    assertThatThrownBy(() -> SessionRequest.of(null, "s1", HOUR)).hasMessage("role");
    assertThatThrownBy(() -> SessionRequest.of(READER, null, HOUR)).hasMessage("sessionName");
    assertThatThrownBy(() -> SessionRequest.of(READER, "s1", null)).hasMessage("duration");
  }

  @Test
  void buildsMinimalRequest() {
    assertThat(SessionRequest.of(READER, "s1", HOUR))
        .isEqualTo(new SessionRequest(READER, "s1", null, HOUR, Map.of(), null));
  }
}
