package io.podium.imds;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * IMDSv2 tokens (bench/jmh.sh): checking a valid token, which every IMDSv2 request pays, and
 * issuing one, which an SDK does once per credential refresh.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TokenBenchmark {

  private ImdsTokens tokens;
  private InetAddress caller;
  private String token;

  @Setup
  public void setUp() {
    tokens = new ImdsTokens(Clock.systemUTC(), new SecureRandom());
    caller = InetAddress.ofLiteral("10.1.0.7");
    token = tokens.issue(caller, ImdsTokens.MAX_TTL_SECONDS);
  }

  @Benchmark
  public ImdsTokens.Verdict verify() {
    return tokens.verify(token, caller);
  }

  @Benchmark
  public String issue() {
    return tokens.issue(caller, ImdsTokens.MAX_TTL_SECONDS);
  }
}
