package io.podium.webhook;

import io.podium.core.account.ServiceAccountDirectory;
import io.podium.core.account.ServiceAccountLookup;
import io.podium.core.account.ServiceAccountProblems;
import io.podium.core.account.ServiceAccountView;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A directory answering from a map, and a recorder of the refusals it is told about. */
final class FakeAccounts implements ServiceAccountDirectory, ServiceAccountProblems {

  record Told(
      ServiceAccountView account, String pod, ServiceAccountProblems.Refusal kind, String reason) {}

  private final Map<String, CompletionStage<ServiceAccountLookup>> answers =
      new ConcurrentHashMap<>();
  final List<Told> told = new CopyOnWriteArrayList<>();

  FakeAccounts answer(String namespace, String name, ServiceAccountLookup lookup) {
    answers.put(namespace + "/" + name, CompletableFuture.completedFuture(lookup));
    return this;
  }

  FakeAccounts answer(String namespace, String name, CompletionStage<ServiceAccountLookup> lookup) {
    answers.put(namespace + "/" + name, lookup);
    return this;
  }

  @Override
  public CompletionStage<ServiceAccountLookup> find(String namespace, String name) {
    return answers.getOrDefault(
        namespace + "/" + name,
        CompletableFuture.completedFuture(
            new ServiceAccountLookup.NotFound("no service account " + namespace + "/" + name)));
  }

  @Override
  public void roleRefused(
      ServiceAccountView account, String pod, ServiceAccountProblems.Refusal kind, String reason) {
    told.add(new Told(account, pod, kind, reason));
  }
}
