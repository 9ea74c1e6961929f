package io.podium.cli;

import io.podium.aws.StsCredentialIssuer;
import io.podium.aws.StsSettings;
import io.podium.core.broker.BrokerSettings;
import io.podium.core.broker.CredentialBroker;
import io.podium.core.broker.CredentialsRenderer;
import io.podium.core.broker.Scheduler;
import io.podium.ops.BrokerMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The credential broker of {@code podium standalone} and {@code podium server}: STS through the AWS
 * SDK, its calls on virtual threads, and the broker's metrics watching it.
 */
final class BrokerFactory {

  private BrokerFactory() {}

  /** The broker and the issuer behind it, which also tells Podium's own identity. */
  record Built<R>(CredentialBroker<R> broker, StsCredentialIssuer issuer) {}

  /**
   * Builds the broker; the STS calls' executor and the issuer are pushed onto {@code
   * closeInReverse}.
   *
   * @param baseCredentials Podium's own AWS credentials
   * @param renderer turns issued credentials into what the serving side hands out
   */
  static <R> Built<R> create(
      StsSettings sts,
      BrokerSettings settings,
      AwsCredentialsProvider baseCredentials,
      CredentialsRenderer<R> renderer,
      Clock clock,
      Scheduler scheduler,
      PrometheusRegistry registry,
      CloseStack closeInReverse) {
    ExecutorService stsCalls =
        closeInReverse.pushExecutor(
            Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("podium-sts-", 0).factory()));
    StsCredentialIssuer issuer =
        closeInReverse.push(new StsCredentialIssuer(sts, baseCredentials, registry, clock));
    BrokerMetrics metrics = new BrokerMetrics(registry);
    CredentialBroker<R> broker =
        new CredentialBroker<>(
            issuer, renderer, settings, clock, scheduler, stsCalls, metrics, new Random());
    metrics.watch(broker::sessionCount, broker::queuedCalls);
    metrics.watchPrefetches(broker::pendingPrefetches);
    metrics.watchStsRate(broker::stsCallRate);
    return new Built<>(broker, issuer);
  }
}
