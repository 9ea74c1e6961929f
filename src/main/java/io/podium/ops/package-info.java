/**
 * Operations: the endpoint on {@code --metrics-listen} ({@code /metrics}, {@code /healthz}, {@code
 * /readyz}) with the named checks each process adds to its {@link io.podium.ops.Health}, and the
 * metrics of the core (which may not import Prometheus): {@link io.podium.ops.BrokerMetrics}. Each
 * adapter's own metrics live beside it. Uses {@code core}.
 */
@NullMarked
package io.podium.ops;

import org.jspecify.annotations.NullMarked;
