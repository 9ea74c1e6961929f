/**
 * {@code podium oidc}: the cluster's service-account issuer published for IAM (IRSA on any
 * cluster). The discovery document and JWKS built from the cluster's signing keys (read from the
 * API server or from key files, with the API server's {@code kid}s), written to S3 behind a
 * bucket-policy statement, the IAM OIDC provider and its audiences, retired keys kept for a grace
 * period, and tokens minted like projected ones for development and tests. Uses no other Podium
 * package.
 */
@NullMarked
package io.podium.oidc;

import org.jspecify.annotations.NullMarked;
