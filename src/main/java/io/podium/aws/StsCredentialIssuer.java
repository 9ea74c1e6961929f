package io.podium.aws;

import io.podium.core.broker.CredentialIssuer;
import io.podium.core.broker.IssuedCredentials;
import io.podium.core.broker.StsCallException;
import io.podium.core.session.SessionRequest;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityRequest;

/**
 * Assumes pod roles with STS through the AWS SDK for Java v2. Every failure leaves as one of the
 * {@link StsCallException} kinds; retries of transient failures are the SDK's (see {@link
 * StsClients}). Closing it closes the clients and providers it built, not the base provider.
 */
public final class StsCredentialIssuer implements CredentialIssuer, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StsCredentialIssuer.class);
  static final String MDC_ROLE = "iam.role";

  private final Clock clock;
  private final StsMetrics metrics;
  private final SigningCredentials signing;
  private final StsClient client;

  /**
   * @param settings where and how to call STS
   * @param baseCredentials Podium's own credentials: in production the SDK's default chain built by
   *     the command, in dev mode and tests a static provider. The issuer never builds a chain of
   *     its own, and does not close this provider.
   * @param registry where the {@code podium_sts_*} metrics are registered (one issuer per registry)
   * @param clock measures call durations
   */
  public StsCredentialIssuer(
      StsSettings settings,
      AwsCredentialsProvider baseCredentials,
      PrometheusRegistry registry,
      Clock clock) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(baseCredentials, "baseCredentials");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.metrics = new StsMetrics(registry);
    SigningCredentials createdSigning = null;
    try {
      ThrottledAttempts throttles = new ThrottledAttempts(metrics);
      createdSigning = SigningCredentials.create(settings, baseCredentials, throttles);
      this.client = StsClients.build(settings, createdSigning.provider(), throttles);
      this.signing = createdSigning;
    } catch (RuntimeException e) {
      if (createdSigning != null) {
        createdSigning.close();
      }
      metrics.close();
      throw e;
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Logs one line per failed call with the role, session and error code, and a debug line per
   * success with the access key id; secret keys and session tokens are never logged.
   */
  @Override
  public IssuedCredentials issue(SessionRequest request) {
    Objects.requireNonNull(request, "request");
    Instant start = clock.instant();
    // The caller's own iam.role, if any, is put back afterwards.
    String callerRole = MDC.get(MDC_ROLE);
    MDC.put(MDC_ROLE, request.role().toString());
    try {
      IssuedCredentials issued = assume(request);
      metrics.succeeded(Duration.between(start, clock.instant()));
      LOG.debug(
          "Assumed {} for session {} as {}: access key {}, expires {}",
          request.role(),
          request.sessionName(),
          issued.assumedRoleArn(),
          issued.credentials().accessKeyId(),
          issued.credentials().expiration());
      return issued;
    } catch (StsCallException e) {
      metrics.failed(e, Duration.between(start, clock.instant()));
      LOG.warn(
          "AssumeRole of {} for session {} failed with {}: {}",
          request.role(),
          request.sessionName(),
          e.errorCode(),
          e.getMessage());
      throw e;
    } finally {
      if (callerRole == null) {
        MDC.remove(MDC_ROLE);
      } else {
        MDC.put(MDC_ROLE, callerRole);
      }
    }
  }

  /**
   * Podium's own identity as STS sees it: GetCallerIdentity signed as AssumeRole calls are (with
   * {@code --assume-role-arn}, the intermediate role's session), for the start-up line.
   *
   * @throws StsCallException what the credentials or STS said
   */
  public String callerIdentity() {
    try {
      return client.getCallerIdentity(GetCallerIdentityRequest.builder().build()).arn();
    } catch (RuntimeException e) {
      throw StsErrorMapping.forSessionCall(e);
    }
  }

  private IssuedCredentials assume(SessionRequest request) {
    AwsCredentials signer = signing.resolve();
    AssumeRoleRequest sdkRequest = AssumeRoleMapping.toRequest(request, signer);
    AssumeRoleResponse response;
    try {
      response = client.assumeRole(sdkRequest);
    } catch (RuntimeException e) {
      throw StsErrorMapping.forSessionCall(e);
    }
    return AssumeRoleMapping.toIssued(response);
  }

  @Override
  public void close() {
    try {
      client.close();
    } finally {
      try {
        signing.close();
      } finally {
        metrics.close();
      }
    }
  }
}
