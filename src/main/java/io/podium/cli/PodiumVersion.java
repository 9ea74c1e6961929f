package io.podium.cli;

import picocli.CommandLine;

/** Reports the version written into the jar's manifest by the build. */
final class PodiumVersion implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = PodiumCommand.class.getPackage().getImplementationVersion();
    return new String[] {"podium " + (version == null ? "development build" : version)};
  }
}
