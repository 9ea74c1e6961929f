/**
 * The questions Podium answers, without I/O: which role a pod gets ({@link
 * io.podium.core.RoleDecider}), the credentials of whoever calls from an IP ({@link
 * io.podium.core.PodCredentialService}, {@link io.podium.core.ReportingCallerCredentials}) and
 * which sessions to fetch before pods ask ({@link io.podium.core.Prefetcher}); and the ports the
 * adapters implement: {@link io.podium.core.PodSource} (a {@link io.podium.core.PodDirectory} that
 * tells listeners of pods; the pods file or the cluster) and {@link io.podium.core.PodProblems},
 * {@link io.podium.core.CallerCredentials} (served by the metadata API), {@link
 * io.podium.core.AgentTokens} and {@link io.podium.core.Replicas} (the server's view of the
 * cluster). Built from the four parts below it: {@code pod}, {@code role}, {@code session}, {@code
 * broker}. Uses only the JDK, SLF4J, RE2/J and JSpecify's nullness annotations.
 */
@NullMarked
package io.podium.core;

import org.jspecify.annotations.NullMarked;
