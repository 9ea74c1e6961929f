/**
 * The credential broker: one cache entry and one STS call per session however many callers wait
 * (single flight), refresh before expiry, backoff, a negative cache and one rate-limited call queue
 * ({@link io.podium.core.broker.CredentialBroker}, {@link io.podium.core.broker.StsCallQueue}); the
 * port to STS ({@link io.podium.core.broker.CredentialIssuer}) with its error kinds ({@link
 * io.podium.core.broker.StsCallException}); {@link io.podium.core.broker.Credentials}, whose {@code
 * toString} hides the secrets; and the {@link io.podium.core.broker.Scheduler} timer port the
 * core's waits use. Uses {@code core.session} and below.
 */
@NullMarked
package io.podium.core.broker;

import org.jspecify.annotations.NullMarked;
