/**
 * Certificates for the agent API's mutual TLS: a CA and its agent and server certificates ({@code
 * podium certs}, BouncyCastle), PEM files, node names in certificates, key and trust managers that
 * reload when cert-manager rotates the files, and refusals of a peer's certificate explained in
 * words (which certificate, and why). Uses no other Podium package.
 */
@NullMarked
package io.podium.tls;

import org.jspecify.annotations.NullMarked;
