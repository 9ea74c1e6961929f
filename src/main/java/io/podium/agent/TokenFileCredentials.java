package io.podium.agent;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executor;

/**
 * Sends the agent pod's projected service-account token as {@code authorization: Bearer}, read from
 * its file on every call: the kubelet rotates it in place, and a stale token would be refused.
 */
public final class TokenFileCredentials extends CallCredentials {

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Path file;

  public TokenFileCredentials(Path file) {
    this.file = file;
  }

  @Override
  public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
    executor.execute(
        () -> {
          try {
            String token = Files.readString(file, StandardCharsets.US_ASCII).strip();
            Metadata headers = new Metadata();
            headers.put(AUTHORIZATION, "Bearer " + token);
            applier.apply(headers);
          } catch (IOException | RuntimeException e) {
            applier.fail(
                Status.UNAUTHENTICATED.withDescription(
                    "cannot read the service-account token " + file + ": " + e));
          }
        });
  }
}
