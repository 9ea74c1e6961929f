package io.podium.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class SystemToolsTest {

  @AfterEach
  void restore() {
    System.clearProperty(SystemTools.INTERCEPTION_PROPERTY);
  }

  @Test
  void aMissingProgramFailsWithTheLineThatInstallsIt() {
    assertThatThrownBy(
            () -> SystemTools.requirePrograms("sh", "no-such-tool-podium", "moto_server-x"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("no-such-tool-podium, moto_server-x missing")
        .hasMessageContaining("install first with: sudo apt-get install -y no-such-tool-podium");
  }

  @Test
  void aMissingPythonModuleFailsWithItsInstallLine() {
    assertThatThrownBy(() -> SystemTools.python("no_such_module_podium"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("install first with:");
  }

  @Test
  void skipSkipsAndAnUnknownModeFailsSayingWhatToUse() {
    System.setProperty(SystemTools.INTERCEPTION_PROPERTY, "skip");
    assertThatThrownBy(() -> SystemTools.requireRoot("SomeIT", "namespaces"))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("-Dpodium.interception=skip");

    System.setProperty(SystemTools.INTERCEPTION_PROPERTY, "maybe");
    assertThatThrownBy(() -> SystemTools.requireRoot("SomeIT", "namespaces"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("use auto (the default), require or skip");
  }
}
