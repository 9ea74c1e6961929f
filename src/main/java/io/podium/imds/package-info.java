/**
 * The EC2 instance-metadata API (IMDSv1 and v2) that pods call, on Netty: one handler per route,
 * IMDSv2 tokens issued and checked here, an allow-listed passthrough to the real metadata service,
 * per-source limits, the audit record of each credential handed out. Knows the caller only by its
 * TCP peer address and asks {@link io.podium.core.CallerCredentials} for its role and credentials.
 * Run by {@code podium standalone}, {@code podium dev} and {@code podium agent}. Uses {@code core}.
 */
package io.podium.imds;
