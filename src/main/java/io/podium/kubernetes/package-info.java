/**
 * Pod sources and the cluster: the pods file ({@link io.podium.kubernetes.FilePodDirectory}) and
 * fabric8 informers ({@link io.podium.kubernetes.InformerPodDirectory}) turning pods, namespaces
 * and service accounts into compact core projections; Events on refused pods; the server's
 * TokenReview of agent tokens and its replica leases. Implements core ports; uses {@code core}.
 */
package io.podium.kubernetes;
