package io.podium.agent;

import io.podium.core.PodAnnotations;
import io.podium.core.PodIdentity;
import io.podium.core.PodPhase;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.UUID;

/** Pod fixtures: {@code TestPods.running("team-a", "web", "10.0.0.5")}. */
final class TestPods {

  static final String NODE = "node-1";

  private TestPods() {}

  static PodIdentity running(String namespace, String name, String ip) {
    return new PodIdentity(
        UUID.nameUUIDFromBytes(
                (namespace + "/" + name).getBytes(java.nio.charset.StandardCharsets.UTF_8))
            .toString(),
        namespace,
        name,
        "default",
        NODE,
        List.of(address(ip)),
        PodPhase.RUNNING,
        null,
        false,
        PodAnnotations.NONE,
        null);
  }

  static InetAddress address(String ip) {
    try {
      return InetAddress.getByName(ip);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(ip, e);
    }
  }
}
