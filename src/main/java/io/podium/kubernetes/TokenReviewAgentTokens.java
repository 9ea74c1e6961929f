package io.podium.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.podium.core.AgentTokens;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Agent tokens checked by the API server: a TokenReview (authenticated, for Podium's audience,
 * issued to an allowed agent service account, bound to a pod), then that pod read by name, which
 * must still exist with the token's uid and be scheduled; its {@code spec.nodeName} is the agent's
 * node. Verdicts are remembered for a short while, keyed by the token's hash, so that each lookup
 * does not cost a TokenReview.
 */
public final class TokenReviewAgentTokens implements AgentTokens {

  static final String POD_NAME = "authentication.kubernetes.io/pod-name";
  static final String POD_UID = "authentication.kubernetes.io/pod-uid";
  private static final int MAX_REMEMBERED = 10_000;

  private final KubernetesClient client;
  private final String audience;
  private final Set<String> serviceAccounts;
  private final Duration remember;
  private final Clock clock;
  private final Map<String, Remembered> verdicts = new ConcurrentHashMap<>();

  private record Remembered(Verdict verdict, Instant until) {}

  /**
   * @param audience the audience agents' projected tokens are issued for, e.g. {@code podium}
   * @param serviceAccounts the agents' service accounts as {@code namespace:name}
   * @param remember how long a verdict is reused (refusals too)
   */
  public TokenReviewAgentTokens(
      KubernetesClient client,
      String audience,
      Set<String> serviceAccounts,
      Duration remember,
      Clock clock) {
    this.client = client;
    this.audience = audience;
    this.serviceAccounts = Set.copyOf(serviceAccounts);
    this.remember = remember;
    this.clock = clock;
  }

  @Override
  public Verdict verify(String token) {
    String key = hash(token);
    Instant now = clock.instant();
    Remembered known = verdicts.get(key);
    if (known != null && now.isBefore(known.until())) {
      return known.verdict();
    }
    Verdict verdict = review(token);
    if (verdicts.size() >= MAX_REMEMBERED) {
      verdicts.clear();
    }
    verdicts.put(key, new Remembered(verdict, now.plus(remember)));
    return verdict;
  }

  private Verdict review(String token) {
    TokenReview reviewed;
    try {
      reviewed =
          client
              .authentication()
              .v1()
              .tokenReviews()
              .create(
                  new TokenReviewBuilder()
                      .withNewSpec()
                      .withToken(token)
                      .withAudiences(audience)
                      .endSpec()
                      .build());
    } catch (KubernetesClientException e) {
      return new Verdict.Refused("the TokenReview failed: HTTP " + e.getCode());
    }
    TokenReviewStatus status = reviewed == null ? null : reviewed.getStatus();
    if (status == null || !Boolean.TRUE.equals(status.getAuthenticated())) {
      String error = status == null || status.getError() == null ? "" : ": " + status.getError();
      return new Verdict.Refused("the API server did not authenticate the token" + error);
    }
    // An API server that ignores spec.audiences answers without status.audiences: refuse that too.
    if (status.getAudiences() == null || !status.getAudiences().contains(audience)) {
      return new Verdict.Refused(
          "the token is not for audience "
              + audience
              + " (it is for "
              + status.getAudiences()
              + ")");
    }
    UserInfo user = status.getUser();
    String username = user == null ? null : user.getUsername();
    String[] parts = username == null ? new String[0] : username.split(":", -1);
    if (parts.length != 4 || !parts[0].equals("system") || !parts[1].equals("serviceaccount")) {
      return new Verdict.Refused(username + " is not a service account");
    }
    String namespace = parts[2];
    if (!serviceAccounts.contains(namespace + ":" + parts[3])) {
      return new Verdict.Refused(
          "service account "
              + namespace
              + ":"
              + parts[3]
              + " is not an agent's ("
              + String.join(", ", serviceAccounts)
              + ")");
    }
    String podName = single(user.getExtra(), POD_NAME);
    String podUid = single(user.getExtra(), POD_UID);
    if (podName == null || podUid == null) {
      return new Verdict.Refused(
          "the token is not bound to a pod (use a projected service-account token)");
    }
    Pod pod;
    try {
      pod = client.pods().inNamespace(namespace).withName(podName).get();
    } catch (KubernetesClientException e) {
      return new Verdict.Refused("cannot read the agent pod: HTTP " + e.getCode());
    }
    if (pod == null || !podUid.equals(pod.getMetadata().getUid())) {
      return new Verdict.Refused(
          "the token's pod "
              + namespace
              + "/"
              + podName
              + " (uid "
              + podUid
              + ") no longer exists");
    }
    String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    if (node == null || node.isEmpty()) {
      return new Verdict.Refused(
          "the token's pod " + namespace + "/" + podName + " is not scheduled");
    }
    return new Verdict.Node(node, namespace, podName);
  }

  private static String single(Map<String, List<String>> extra, String key) {
    if (extra == null) {
      return null;
    }
    List<String> values = extra.get(key);
    return values != null && values.size() == 1 && !values.getFirst().isEmpty()
        ? values.getFirst()
        : null;
  }

  private static String hash(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }
}
