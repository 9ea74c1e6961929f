package io.podium.webhook;

import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What one injection mode puts into a pod, independent of how it was decided: a projected
 * service-account token volume, its read-only mount in every container not skipped, the mode's
 * credential variables, and the region variables. IRSA (web identity) is one such mode; the EKS Pod
 * Identity mode (container credentials) is another, with its own volume, audience and variables.
 *
 * @param credentials the mode's variables in the order they are added; a container that already
 *     sets any of them keeps its own and gets none
 * @param regionalSts whether {@code AWS_STS_REGIONAL_ENDPOINTS=regional} is added where unset
 * @param region added as {@code AWS_DEFAULT_REGION} and {@code AWS_REGION} where neither is set
 * @param skipContainers names of containers and init containers left alone
 */
record Injection(
    String volumeName,
    String mountPath,
    String tokenPath,
    String audience,
    long expirationSeconds,
    List<EnvVar> credentials,
    boolean regionalSts,
    Optional<String> region,
    Set<String> skipContainers) {

  Injection {
    Objects.requireNonNull(volumeName, "volumeName");
    Objects.requireNonNull(mountPath, "mountPath");
    Objects.requireNonNull(tokenPath, "tokenPath");
    Objects.requireNonNull(audience, "audience");
    credentials = List.copyOf(credentials);
    skipContainers = Set.copyOf(skipContainers);
  }

  /**
   * Where containers find the token. Windows containers see the same mount under {@code C:} with
   * backslashes, as the upstream webhook writes it; the mount path itself stays as it is.
   */
  static String tokenFile(String mountPath, String tokenPath, boolean windows) {
    String path = mountPath.endsWith("/") ? mountPath + tokenPath : mountPath + "/" + tokenPath;
    return windows ? "C:" + path.replace('/', '\\') : path;
  }
}
