package io.podium.cli;

import picocli.CommandLine;

/** Reports the version written into the jar's manifest by the build. */
final class PodiumVersion implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = PodiumCommand.class.getPackage().getImplementationVersion();
    return new String[] {"podium " + (version == null ? "development build" : version)};
  }

  /** The bare version, e.g. {@code 0.1.0}, or {@code dev} when not run from the built jar. */
  static String number() {
    String version = PodiumCommand.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }
}
