/**
 * Pods as Podium sees them and who holds an IP: {@link io.podium.core.pod.PodIdentity} (the compact
 * projection of a pod), whether it may hold credentials now ({@link
 * io.podium.core.pod.CredentialEligibility}), the IP index that never guesses ({@link
 * io.podium.core.pod.PodIpIndex}, {@link io.podium.core.pod.PodLookup}) and the listener a pod
 * source tells of changes. The bottom of the core: depends on nothing else of Podium.
 */
@NullMarked
package io.podium.core.pod;

import org.jspecify.annotations.NullMarked;
