/**
 * The node agent's link to the servers ({@code podium agent}): a gRPC stream to every server
 * replica ({@link io.podium.agent.ServerConnections}, {@link io.podium.agent.ServerLink}), merged
 * into one view of this node's pods and credentials ({@link io.podium.agent.NodeView}) that the
 * metadata API answers from ({@link io.podium.agent.RemoteCallerCredentials}). Holds no AWS or
 * Kubernetes rights. Uses {@code core}, {@code wire}, and {@code imds} for the rendered documents
 * it serves.
 */
package io.podium.agent;
