/**
 * {@code podium webhook}: the mutating admission webhook for IRSA. {@link
 * io.podium.webhook.PodMutation} decides as a pure function (pod, service account, namespace
 * policy, settings → JSON Patch, warnings, outcome); {@link io.podium.webhook.WebhookServer} serves
 * it over HTTPS on Netty. See DESIGN.md. Uses {@code core}.
 */
@NullMarked
package io.podium.webhook;

import org.jspecify.annotations.NullMarked;
