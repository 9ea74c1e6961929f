package io.podium.server;

import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/** Collects a stream's messages and how it ended, for assertions. */
class RecordingObserver<T> implements StreamObserver<T> {

  final List<T> received = new CopyOnWriteArrayList<>();
  final AtomicReference<Throwable> error = new AtomicReference<>();
  volatile boolean completed;

  @Override
  public void onNext(T value) {
    received.add(value);
  }

  @Override
  public void onError(Throwable t) {
    error.set(t);
  }

  @Override
  public void onCompleted() {
    completed = true;
  }
}
