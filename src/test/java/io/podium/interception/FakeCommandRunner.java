package io.podium.interception;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link CommandRunner} with scripted answers: programs are available when named, each command
 * line answers its queued results in turn (the last one again once the queue runs dry), and every
 * call is recorded with its input. An unscripted command fails the test.
 */
final class FakeCommandRunner implements CommandRunner {

  /** One recorded call. */
  record Call(String command, String stdin) {}

  private final Set<String> programs = new HashSet<>();
  private final Map<String, Deque<Result>> answers = new HashMap<>();
  private final List<Call> calls = new ArrayList<>();

  FakeCommandRunner installed(String... names) {
    programs.addAll(List.of(names));
    return this;
  }

  /** Answers {@code command} (space-joined) with each of {@code stdouts} in turn, exit code 0. */
  FakeCommandRunner answer(String command, String... stdouts) {
    for (String stdout : stdouts) {
      answer(command, new Result(0, stdout, ""));
    }
    return this;
  }

  FakeCommandRunner answer(String command, Result... results) {
    answers.computeIfAbsent(command, c -> new ArrayDeque<>()).addAll(List.of(results));
    return this;
  }

  static Result failure(int exitCode, String stderr) {
    return new Result(exitCode, "", stderr);
  }

  @Override
  public synchronized boolean available(String program) {
    return programs.contains(program);
  }

  @Override
  public synchronized Result run(List<String> command, String stdin) {
    String line = String.join(" ", command);
    calls.add(new Call(line, stdin));
    if (!programs.contains(command.getFirst())) {
      throw new InterceptionException(command.getFirst() + " is not installed");
    }
    Deque<Result> queued = answers.get(line);
    if (queued == null || queued.isEmpty()) {
      throw new AssertionError("unscripted command: " + line);
    }
    return queued.size() > 1 ? queued.poll() : queued.peek();
  }

  synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The calls whose command line starts with {@code prefix}. */
  synchronized List<Call> calls(String prefix) {
    return calls.stream().filter(call -> call.command().startsWith(prefix)).toList();
  }
}
