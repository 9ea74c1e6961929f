package io.podium.bench;

import io.podium.core.RoleOutcome;
import io.podium.core.pod.PodIdentity;
import io.podium.core.pod.PodLookup;
import io.podium.core.role.NamespacePolicy;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Identity lookup (bench/jmh.sh): who holds the caller's IP ({@code PodIpIndex.lookup}), which role
 * and session it gets under its namespace's policy ({@code RoleDecider.decide}), and the whole core
 * answer for a caller with cached credentials ({@code PodCredentialService}). Callers cycle through
 * a node's 110 pods in five namespaces with realistic policies ({@link BenchCluster}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class IdentityBenchmark {

  private BenchCluster cluster;
  private InetAddress[] callers;
  private PodIdentity[] twins;
  private int next;

  @Setup
  public void setUp() {
    cluster = new BenchCluster();
    callers = new InetAddress[cluster.pods.size()];
    twins = cluster.pods.toArray(PodIdentity[]::new);
    for (int i = 0; i < callers.length; i++) {
      callers[i] = cluster.pods.get(i).ips().getFirst();
    }
  }

  private InetAddress caller() {
    InetAddress caller = callers[next];
    next = next + 1 == callers.length ? 0 : next + 1;
    return caller;
  }

  @Benchmark
  public PodLookup lookup() {
    return cluster.index.lookup(caller(), cluster.now());
  }

  @Benchmark
  public RoleOutcome lookupAndDecide() {
    PodLookup lookup = cluster.index.lookup(caller(), cluster.now());
    if (!(lookup instanceof PodLookup.Found found)) {
      throw new IllegalStateException("benchmark caller not found: " + lookup);
    }
    PodIdentity pod = found.pod();
    NamespacePolicy policy = cluster.policies.get(pod.namespace());
    return cluster.decider.decide(pod, policy);
  }

  /**
   * The decision made afresh, as for a pod or namespace that has just changed (and, before the
   * decider remembered decisions, for every request): each call passes an equal but distinct
   * record, which the decider's memory does not trust.
   */
  @Benchmark
  public RoleOutcome decideChangedPod() {
    int i = next;
    next = next + 1 == twins.length ? 0 : next + 1;
    // A copy of the record (a few tens of ns of the figure) that the decider has not seen.
    PodIdentity twin = twins[i].withServiceAccountRoleArn(twins[i].serviceAccountRoleArn());
    twins[i] = twin;
    return cluster.decider.decide(twin, cluster.policies.get(twin.namespace()));
  }

  @Benchmark
  public Object callerCredentials() {
    return cluster.service.credentials(caller()).toCompletableFuture().join();
  }
}
