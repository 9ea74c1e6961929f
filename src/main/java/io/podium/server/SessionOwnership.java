package io.podium.server;

import io.podium.core.session.SessionRequest;

/**
 * Which sessions this replica calls STS for, so that STS calls do not grow with the number of
 * replicas: every session has one owner among the live replicas.
 */
public interface SessionOwnership {

  /** Whether this replica fetches and refreshes {@code request}. */
  boolean owns(SessionRequest request);

  /** Calls {@code listener} whenever ownership may have moved (replicas came or went). */
  void onChange(Runnable listener);

  /** A single replica, or replicas that do not share: this replica owns every session. */
  SessionOwnership ALL =
      new SessionOwnership() {
        @Override
        public boolean owns(SessionRequest request) {
          return true;
        }

        @Override
        public void onChange(Runnable listener) {}
      };
}
