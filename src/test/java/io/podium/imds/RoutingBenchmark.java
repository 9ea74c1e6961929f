package io.podium.imds;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Route match and dispatch (bench/jmh.sh): what the router does with a request target before a
 * handler runs — the canonical path check, the route, and for credentials the role name asked for.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RoutingBenchmark {

  @Param({
    "/latest/meta-data/iam/security-credentials/payments-app-3",
    "/latest/api/token",
    "/latest/meta-data/placement/availability-zone"
  })
  public String target;

  @Benchmark
  public void route(Blackhole blackhole) {
    String path = MetadataPaths.canonical(target);
    Route route = Route.of(path);
    blackhole.consume(route);
    if (route == Route.CREDENTIALS || route == Route.CREDENTIALS_EXTENDED) {
      blackhole.consume(Route.requestedRoleName(path));
    }
  }
}
