/**
 * What one STS call asks for: a {@link io.podium.core.session.SessionRequest} (role, session name,
 * external id, duration, tags), the cache key two pods share only when every input is equal, built
 * by {@link io.podium.core.session.SessionRequestFactory} from a pod and its resolved role. Uses
 * {@code core.pod} and {@code core.role}.
 */
@NullMarked
package io.podium.core.session;

import org.jspecify.annotations.NullMarked;
