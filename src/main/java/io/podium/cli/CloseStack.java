package io.podium.cli;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a composition root has started, closed in the reverse order of starting. A part whose {@code
 * close()} throws is logged and the others are still closed: a process that stops must release
 * every port and thread it holds, whatever one of them does.
 */
final class CloseStack implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CloseStack.class);

  /** How long closing waits for an executor's threads to end. */
  static final long EXECUTOR_STOP_SECONDS = 5;

  private final Deque<AutoCloseable> parts = new ArrayDeque<>();

  /** Adds {@code part}, to be closed before everything pushed earlier; returns it. */
  <T extends AutoCloseable> T push(T part) {
    synchronized (parts) {
      parts.push(part);
    }
    return part;
  }

  /**
   * Adds {@code executor}, to be stopped with {@link ExecutorService#shutdownNow} (its own {@code
   * close()} would wait for every task, however long) and waited for a few seconds; returns it.
   */
  <E extends ExecutorService> E pushExecutor(E executor) {
    push(
        () -> {
          executor.shutdownNow();
          if (!executor.awaitTermination(EXECUTOR_STOP_SECONDS, TimeUnit.SECONDS)) {
            log.warn("an executor did not stop within {} s", EXECUTOR_STOP_SECONDS);
          }
        });
    return executor;
  }

  /** Closes every part, the last pushed first; each part is closed once. */
  @Override
  public void close() {
    boolean interrupted = false;
    while (true) {
      AutoCloseable part;
      synchronized (parts) {
        part = parts.poll();
      }
      if (part == null) {
        break;
      }
      try {
        part.close();
      } catch (InterruptedException e) {
        // Go on closing the rest; the interrupt is kept for the caller.
        interrupted = true;
        log.warn("interrupted while stopping {}", part);
      } catch (Exception e) {
        log.warn("error while stopping {}", part, e);
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
