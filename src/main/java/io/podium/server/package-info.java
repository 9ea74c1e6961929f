/**
 * {@code podium server}: the gRPC service agents stream their node's pods and credentials from
 * ({@link io.podium.server.NodeCredentialsService} over {@link io.podium.server.NodeHub}), mutual
 * TLS or token authentication that fixes each agent to its node, and the sharing of STS work
 * between replicas (one owner per session: {@link io.podium.server.RendezvousOwnership}).
 * Translates core outcomes to gRPC statuses, once. Uses {@code core}, {@code wire} and {@code tls}.
 */
package io.podium.server;
