/**
 * The agent–server contract ({@code podium.v1}): the generated protobuf messages and gRPC stubs
 * (package {@code io.podium.wire.v1}), {@link io.podium.wire.WireCodec} between them and core
 * records, {@link io.podium.wire.ErrorDetails} for statuses, and the rendezvous hash both sides use
 * to pick a session's owner. Shared by {@code agent} and {@code server}; uses only {@code core}.
 */
package io.podium.wire;
