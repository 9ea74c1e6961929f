package io.podium.agent;

import java.util.Optional;

/**
 * Says why a connection to a server failed in TLS, from what the agent knows of its own certificate
 * and CA: which side refused which certificate, and why.
 */
public interface TlsExplanations {

  /** Nothing to say: for agents whose connections are not TLS (tests). */
  TlsExplanations NONE =
      new TlsExplanations() {
        @Override
        public Optional<String> explain(Throwable failure) {
          return Optional.empty();
        }

        @Override
        public String ourCertificate() {
          return "no certificate";
        }
      };

  /**
   * The rest of "TLS to server X failed: …" for {@code failure}; empty when it was not TLS that
   * failed.
   */
  Optional<String> explain(Throwable failure);

  /** The agent's own certificate in words: file, subject, expiry. */
  String ourCertificate();
}
