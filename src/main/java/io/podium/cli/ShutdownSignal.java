package io.podium.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns SIGTERM (or Ctrl-C) into an orderly stop: {@link #await()} returns when the JVM is asked to
 * stop, and the JVM waits (up to a bound) until {@link #close()} says everything is closed. Open it
 * before the resources it guards, so that it closes after them.
 */
final class ShutdownSignal implements AutoCloseable {

  private static final long MAX_STOP_SECONDS = 20;

  private final CountDownLatch requested = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);

  ShutdownSignal() {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  requested.countDown();
                  try {
                    finished.await(MAX_STOP_SECONDS, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "podium-shutdown"));
  }

  /** Blocks until the JVM is asked to stop. */
  void await() {
    try {
      requested.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    // Last on the way out of a stop the JVM was asked for: the audit trail is written
    // asynchronously and must reach its file or stdout before the JVM halts. (A start-up that
    // failed is still logging its reason, and exits through main.)
    if (requested.getCount() == 0) {
      LoggingOptions.flush();
    }
    finished.countDown();
  }
}
