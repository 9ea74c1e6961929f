package io.podium.wire;

import com.google.protobuf.ByteString;
import io.podium.core.RoleOutcome;
import io.podium.core.broker.CachedCredentials;
import io.podium.core.broker.Credentials;
import io.podium.core.broker.IssuedCredentials;
import io.podium.core.pod.PodIdentity;
import io.podium.core.pod.PodPhase;
import io.podium.core.role.MalformedRoleException;
import io.podium.core.role.RoleArn;
import io.podium.core.session.SessionRequest;
import io.podium.wire.v1.Phase;
import io.podium.wire.v1.PodState;
import io.podium.wire.v1.Refusal;
import io.podium.wire.v1.RoleDecision;
import io.podium.wire.v1.RoleSource;
import io.podium.wire.v1.Session;
import io.podium.wire.v1.SessionCredentials;
import io.podium.wire.v1.Verdict;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Translates between the core's records and the {@code podium.v1} wire messages, in both
 * directions, in one place. Decoding is defensive: a value this version does not know (an enum
 * number from a newer peer, a malformed ARN) decodes to "cannot answer", never to a guess.
 */
public final class WireCodec {

  /** The protocol revision {@code node_credentials.proto} describes. */
  public static final int PROTOCOL = 1;

  private WireCodec() {}

  // --- pods and decisions (server → agent) --------------------------------------------------

  /** A pod with its role decision ({@code null} for a pod that may hold no credentials). */
  public static PodState encode(PodIdentity pod, RoleOutcome outcome) {
    PodState.Builder state =
        PodState.newBuilder()
            .setUid(pod.uid())
            .setNamespace(pod.namespace())
            .setName(pod.name())
            .setServiceAccount(pod.serviceAccount())
            .setNode(pod.nodeName() == null ? "" : pod.nodeName())
            .setPhase(encode(pod.phase()))
            .setHostNetwork(pod.hostNetwork())
            .setDeletionUnixMillis(
                pod.deletionTimestamp() == null ? 0 : pod.deletionTimestamp().toEpochMilli());
    for (InetAddress ip : pod.ips()) {
      state.addIps(ByteString.copyFrom(ip.getAddress()));
    }
    for (InetAddress ip : pod.hostIps()) {
      state.addHostIps(ByteString.copyFrom(ip.getAddress()));
    }
    if (outcome != null) {
      state.setDecision(encode(outcome));
    }
    return state.build();
  }

  static RoleDecision encode(RoleOutcome outcome) {
    return switch (outcome) {
      case RoleOutcome.Permitted permitted ->
          RoleDecision.newBuilder()
              .setVerdict(Verdict.VERDICT_PERMITTED)
              .setRoleArn(permitted.role().toString())
              .setRoleSource(encode(permitted.source()))
              .setSession(encode(permitted.request()))
              .build();
      case RoleOutcome.NoRole noRole ->
          RoleDecision.newBuilder().setVerdict(Verdict.VERDICT_NO_ROLE).build();
      case RoleOutcome.Refused refused ->
          RoleDecision.newBuilder()
              .setVerdict(Verdict.VERDICT_REFUSED)
              .setRefusal(encode(refused.kind()))
              .setReason(refused.reason())
              .build();
      case RoleOutcome.Unavailable unavailable ->
          RoleDecision.newBuilder()
              .setVerdict(Verdict.VERDICT_UNAVAILABLE)
              .setReason(unavailable.reason())
              .build();
    };
  }

  /**
   * The pod a {@link PodState} describes; addresses of the wrong length are dropped.
   *
   * @throws IllegalArgumentException when the uid, namespace or name is missing
   */
  public static PodIdentity decodePod(PodState state) {
    if (state.getUid().isEmpty() || state.getNamespace().isEmpty() || state.getName().isEmpty()) {
      throw new IllegalArgumentException("a pod state without uid, namespace or name");
    }
    List<InetAddress> ips = new ArrayList<>(state.getIpsCount());
    for (ByteString ip : state.getIpsList()) {
      decodeIp(ip).ifPresent(ips::add);
    }
    List<InetAddress> hostIps = new ArrayList<>(state.getHostIpsCount());
    for (ByteString ip : state.getHostIpsList()) {
      decodeIp(ip).ifPresent(hostIps::add);
    }
    return new PodIdentity(
        state.getUid(),
        state.getNamespace(),
        state.getName(),
        state.getServiceAccount(),
        state.getNode().isEmpty() ? null : state.getNode(),
        ips,
        decode(state.getPhase()),
        state.getDeletionUnixMillis() > 0
            ? Instant.ofEpochMilli(state.getDeletionUnixMillis())
            : null,
        state.getHostNetwork(),
        null,
        null,
        hostIps);
  }

  /** The role decision for {@code pod}; anything this version cannot read is Unavailable. */
  public static RoleOutcome decodeDecision(PodIdentity pod, RoleDecision decision) {
    return switch (decision.getVerdict()) {
      case VERDICT_PERMITTED -> decodePermitted(pod, decision);
      case VERDICT_NO_ROLE -> new RoleOutcome.NoRole(pod);
      case VERDICT_REFUSED -> {
        Optional<RoleOutcome.Refusal> kind = decode(decision.getRefusal());
        yield kind.isPresent()
            ? new RoleOutcome.Refused(kind.get(), decision.getReason(), pod)
            : unreadable(pod, "refusal " + decision.getRefusalValue());
      }
      case VERDICT_UNAVAILABLE -> new RoleOutcome.Unavailable(decision.getReason());
      case VERDICT_UNSPECIFIED, UNRECOGNIZED ->
          unreadable(pod, "verdict " + decision.getVerdictValue());
    };
  }

  private static RoleOutcome decodePermitted(PodIdentity pod, RoleDecision decision) {
    try {
      RoleArn role = RoleArn.parse(decision.getRoleArn());
      Optional<io.podium.core.role.RoleSource> source = decode(decision.getRoleSource());
      if (source.isEmpty() || !decision.hasSession()) {
        return unreadable(pod, "role source or session");
      }
      return new RoleOutcome.Permitted(
          pod, role, source.get(), decodeSession(decision.getSession()));
    } catch (IllegalArgumentException | NullPointerException e) {
      return unreadable(pod, e.getMessage());
    }
  }

  private static RoleOutcome unreadable(PodIdentity pod, String what) {
    return new RoleOutcome.Unavailable(
        "the server's decision for pod "
            + pod.qualifiedName()
            + " cannot be read by this agent version ("
            + what
            + "); upgrade the agent");
  }

  // --- sessions and credentials -------------------------------------------------------------

  /** The session's inputs with its {@link #sessionKey key}. */
  public static Session encode(SessionRequest request) {
    Session.Builder session =
        Session.newBuilder()
            .setKey(sessionKey(request))
            .setRoleArn(request.role().toString())
            .setSessionName(request.sessionName())
            .setDurationSeconds(request.duration().toSeconds())
            .putAllTags(request.tags());
    if (request.externalId() != null) {
      session.setExternalId(request.externalId());
    }
    if (request.sourceIdentity() != null) {
      session.setSourceIdentity(request.sourceIdentity());
    }
    return session.build();
  }

  /**
   * @throws MalformedRoleException when the role ARN is malformed
   */
  public static SessionRequest decodeSession(Session session) {
    return new SessionRequest(
        RoleArn.parse(session.getRoleArn()),
        session.getSessionName(),
        session.getExternalId().isEmpty() ? null : session.getExternalId(),
        Duration.ofSeconds(session.getDurationSeconds()),
        Map.copyOf(session.getTagsMap()),
        session.getSourceIdentity().isEmpty() ? null : session.getSourceIdentity());
  }

  /**
   * A short stable name for a session's inputs: base64url of the first 16 bytes of a SHA-256 over
   * every input. Equal requests have equal keys on every replica and version.
   */
  public static String sessionKey(SessionRequest request) {
    StringBuilder canonical = new StringBuilder();
    field(canonical, request.role().toString());
    field(canonical, request.sessionName());
    field(canonical, request.externalId());
    field(canonical, Long.toString(request.duration().toSeconds()));
    for (Map.Entry<String, String> tag : request.tags().entrySet()) {
      field(canonical, tag.getKey());
      field(canonical, tag.getValue());
    }
    field(canonical, request.sourceIdentity());
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(java.util.Arrays.copyOf(hash, 16));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }

  public static SessionCredentials encode(
      String sessionKey, IssuedCredentials issued, Instant obtainedAt) {
    Credentials credentials = issued.credentials();
    return SessionCredentials.newBuilder()
        .setSessionKey(sessionKey)
        .setAccessKeyId(credentials.accessKeyId())
        .setSecretAccessKey(credentials.secretAccessKey())
        .setSessionToken(credentials.sessionToken())
        .setExpirationUnixSeconds(credentials.expiration().getEpochSecond())
        .setObtainedUnixMillis(obtainedAt.toEpochMilli())
        .setAssumedRoleArn(issued.assumedRoleArn())
        .build();
  }

  public static SessionCredentials encode(CachedCredentials<?> cached) {
    return encode(sessionKey(cached.request()), cached.issued(), cached.obtainedAt());
  }

  /**
   * @throws IllegalArgumentException when a field is missing
   */
  public static IssuedCredentials decodeCredentials(SessionCredentials credentials) {
    return new IssuedCredentials(
        new Credentials(
            credentials.getAccessKeyId(),
            credentials.getSecretAccessKey(),
            credentials.getSessionToken(),
            Instant.ofEpochSecond(credentials.getExpirationUnixSeconds())),
        credentials.getAssumedRoleArn());
  }

  public static Instant obtainedAt(SessionCredentials credentials) {
    return Instant.ofEpochMilli(credentials.getObtainedUnixMillis());
  }

  /** A message's credentials for logs: the access key id only. */
  public static String describe(SessionCredentials credentials) {
    return "SessionCredentials["
        + credentials.getAccessKeyId()
        + ", expires "
        + Instant.ofEpochSecond(credentials.getExpirationUnixSeconds())
        + "]";
  }

  // --- addresses ----------------------------------------------------------------------------

  public static ByteString encode(InetAddress ip) {
    return ByteString.copyFrom(ip.getAddress());
  }

  /** The address in 4 or 16 bytes; anything else is empty. */
  public static Optional<InetAddress> decodeIp(ByteString bytes) {
    if (bytes.size() != 4 && bytes.size() != 16) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByAddress(bytes.toByteArray()));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  // --- enums --------------------------------------------------------------------------------

  static Phase encode(PodPhase phase) {
    return switch (phase) {
      case PENDING -> Phase.PHASE_PENDING;
      case RUNNING -> Phase.PHASE_RUNNING;
      case SUCCEEDED -> Phase.PHASE_SUCCEEDED;
      case FAILED -> Phase.PHASE_FAILED;
      case UNKNOWN -> Phase.PHASE_UNKNOWN;
      case STOPPED -> Phase.PHASE_STOPPED;
    };
  }

  static PodPhase decode(Phase phase) {
    return switch (phase) {
      case PHASE_PENDING -> PodPhase.PENDING;
      case PHASE_RUNNING -> PodPhase.RUNNING;
      case PHASE_SUCCEEDED -> PodPhase.SUCCEEDED;
      case PHASE_FAILED -> PodPhase.FAILED;
      case PHASE_STOPPED -> PodPhase.STOPPED;
      // Unknown phases may hold no credentials: the safe reading of a value we do not know.
      case PHASE_UNKNOWN, PHASE_UNSPECIFIED, UNRECOGNIZED -> PodPhase.UNKNOWN;
    };
  }

  static Refusal encode(RoleOutcome.Refusal refusal) {
    return switch (refusal) {
      case HOST_ADDRESS -> Refusal.REFUSAL_HOST_ADDRESS;
      case INVALID_ANNOTATION -> Refusal.REFUSAL_INVALID_ANNOTATION;
      case POLICY_DENIED -> Refusal.REFUSAL_POLICY_DENIED;
      // Decided by the agent for one token, never part of a pod's decision on the wire.
      case WRONG_ADDRESS, OTHER_NODE, POD_INELIGIBLE -> Refusal.REFUSAL_UNSPECIFIED;
    };
  }

  static Optional<RoleOutcome.Refusal> decode(Refusal refusal) {
    return switch (refusal) {
      case REFUSAL_HOST_ADDRESS -> Optional.of(RoleOutcome.Refusal.HOST_ADDRESS);
      case REFUSAL_INVALID_ANNOTATION -> Optional.of(RoleOutcome.Refusal.INVALID_ANNOTATION);
      case REFUSAL_POLICY_DENIED -> Optional.of(RoleOutcome.Refusal.POLICY_DENIED);
      case REFUSAL_UNSPECIFIED, UNRECOGNIZED -> Optional.empty();
    };
  }

  static RoleSource encode(io.podium.core.role.RoleSource source) {
    return switch (source) {
      case POD_ANNOTATION -> RoleSource.ROLE_SOURCE_POD_ANNOTATION;
      case SERVICE_ACCOUNT -> RoleSource.ROLE_SOURCE_SERVICE_ACCOUNT;
      case DEFAULT_ROLE -> RoleSource.ROLE_SOURCE_DEFAULT_ROLE;
    };
  }

  static Optional<io.podium.core.role.RoleSource> decode(RoleSource source) {
    return switch (source) {
      case ROLE_SOURCE_POD_ANNOTATION -> Optional.of(io.podium.core.role.RoleSource.POD_ANNOTATION);
      case ROLE_SOURCE_SERVICE_ACCOUNT ->
          Optional.of(io.podium.core.role.RoleSource.SERVICE_ACCOUNT);
      case ROLE_SOURCE_DEFAULT_ROLE -> Optional.of(io.podium.core.role.RoleSource.DEFAULT_ROLE);
      case ROLE_SOURCE_UNSPECIFIED, UNRECOGNIZED -> Optional.empty();
    };
  }

  private static void field(StringBuilder canonical, String value) {
    // Length-prefixed, so that no two different inputs share a canonical form.
    String text = value == null ? "" : value;
    canonical.append(value == null ? -1 : text.length()).append(':').append(text).append('|');
  }
}
