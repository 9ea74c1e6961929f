/**
 * EKS Pod Identity's container-credentials endpoint on any cluster ({@code GET /v1/credentials}
 * with the pod's projected service-account token in {@code Authorization}): tokens verified locally
 * against the cluster's signing keys ({@link io.podium.containercredentials.ServiceAccountKeys}),
 * the token's pod checked against the pod source and the caller's address, and the same roles,
 * policy, broker and audit as the metadata API ({@link
 * io.podium.containercredentials.ContainerCredentialsServer}). Run by {@code podium agent}, {@code
 * podium standalone} and {@code podium dev}. See DESIGN.md. Uses {@code core}, and {@code imds} for
 * the connection guards, the audit trail and the documents it renders.
 */
package io.podium.containercredentials;
