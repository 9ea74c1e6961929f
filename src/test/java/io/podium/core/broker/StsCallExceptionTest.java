package io.podium.core.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StsCallExceptionTest {

  static Stream<Arguments> kinds() {
    return Stream.of(
        Arguments.of(new StsCallException.AccessDenied("AccessDenied", "m", cause()), false),
        Arguments.of(new StsCallException.InvalidRequest("ValidationError", "m", cause()), false),
        Arguments.of(new StsCallException.Throttled("Throttling", "m", cause()), true),
        Arguments.of(new StsCallException.Unavailable("IOError", "m", cause()), true),
        Arguments.of(new StsCallException.IssuerCredentials("ExpiredToken", "m", cause()), true));
  }

  private static Throwable cause() {
    return new RuntimeException("sdk");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void retriesOnlyWhatIsTransient(StsCallException exception, boolean retryable) {
    assertThat(exception.retryable()).isEqualTo(retryable);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void keepsStsErrorCodeMessageAndCause(StsCallException exception) {
    assertThat(exception.errorCode())
        .isIn("AccessDenied", "ValidationError", "Throttling", "IOError", "ExpiredToken");
    assertThat(exception)
        .hasMessage("m")
        .cause()
        .isExactlyInstanceOf(RuntimeException.class)
        .hasMessage("sdk");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void keepsEachKindsOwnCode(StsCallException exception) {
    String expected =
        switch (exception) {
          case StsCallException.AccessDenied e -> "AccessDenied";
          case StsCallException.InvalidRequest e -> "ValidationError";
          case StsCallException.Throttled e -> "Throttling";
          case StsCallException.Unavailable e -> "IOError";
          case StsCallException.IssuerCredentials e -> "ExpiredToken";
        };
    assertThat(exception.errorCode()).isEqualTo(expected);
  }
}
