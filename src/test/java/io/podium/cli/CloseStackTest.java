package io.podium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.podium.testing.LogCapture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CloseStackTest {

  @RegisterExtension final LogCapture logs = new LogCapture();

  private final List<String> closed = new ArrayList<>();

  private AutoCloseable part(String name) {
    return () -> closed.add(name);
  }

  @Test
  void closesInTheReverseOrderOfPushing() {
    CloseStack stack = new CloseStack();
    stack.push(part("first"));
    stack.push(part("second"));
    stack.push(part("third"));

    stack.close();

    assertThat(closed).containsExactly("third", "second", "first");
  }

  @Test
  void closesTheRestWhenOnePartThrowsAndLogsIt() {
    CloseStack stack = new CloseStack();
    stack.push(part("first"));
    stack.push(
        () -> {
          throw new IllegalStateException("port already closed");
        });
    stack.push(
        () -> {
          throw new java.io.IOException("disk gone");
        });
    stack.push(part("last"));

    stack.close();

    assertThat(closed).containsExactly("last", "first");
    assertThat(logs.allOutput())
        .contains("error while stopping")
        .contains("port already closed")
        .contains("disk gone");
  }

  @Test
  void closesTheRestWhenInterruptedAndKeepsTheInterrupt() {
    CloseStack stack = new CloseStack();
    stack.push(part("first"));
    stack.push(
        () -> {
          throw new InterruptedException();
        });

    try {
      stack.close();

      assertThat(closed).containsExactly("first");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void closesEachPartOnce() {
    CloseStack stack = new CloseStack();
    stack.push(part("only"));

    stack.close();
    stack.close();

    assertThat(closed).containsExactly("only");
  }

  @Test
  void pushReturnsThePart() {
    CloseStack stack = new CloseStack();
    AutoCloseable part = part("x");

    assertThat(stack.push(part)).isSameAs(part);
  }

  @Test
  void stopsExecutorsWithoutWaitingForTheirTasks() throws Exception {
    CloseStack stack = new CloseStack();
    ExecutorService executor = stack.pushExecutor(Executors.newSingleThreadExecutor());
    CountDownLatch never = new CountDownLatch(1);
    Future<?> waiting =
        executor.submit(
            () -> {
              never.await();
              return null;
            });

    stack.close();

    assertThat(executor.isTerminated()).isTrue();
    assertThat(waiting).isDone();
  }
}
