package io.podium.server;

import io.podium.core.broker.CredentialsRenderer;
import io.podium.core.broker.IssuedCredentials;
import io.podium.core.session.SessionRequest;
import io.podium.wire.WireCodec;
import io.podium.wire.v1.SessionCredentials;
import java.time.Instant;
import java.util.function.BiConsumer;

/**
 * The server's renderer: credentials become the {@code SessionCredentials} message once per
 * refresh, and the message goes straight to the agents whose pods use the session. The broker calls
 * a renderer exactly once per new credential, which makes it the one place that hears of every
 * refresh.
 */
public final class PublishingRenderer implements CredentialsRenderer<SessionCredentials> {

  private volatile BiConsumer<SessionRequest, SessionCredentials> subscriber = (r, c) -> {};

  /** Sends every later refresh to {@code subscriber} (the hub, which exists after the broker). */
  public void publishTo(BiConsumer<SessionRequest, SessionCredentials> subscriber) {
    this.subscriber = subscriber;
  }

  @Override
  public SessionCredentials render(
      SessionRequest request, IssuedCredentials issued, Instant obtainedAt) {
    SessionCredentials message =
        WireCodec.encode(WireCodec.sessionKey(request), issued, obtainedAt);
    subscriber.accept(request, message);
    return message;
  }
}
