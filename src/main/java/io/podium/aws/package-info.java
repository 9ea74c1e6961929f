/**
 * Podium's client of the real STS: {@link io.podium.aws.StsCredentialIssuer} implements the core's
 * {@link io.podium.core.broker.CredentialIssuer} with the AWS SDK for Java v2 (AssumeRole, an
 * optional intermediate role, regional endpoints, the SDK's retries), and maps every STS error once
 * to a {@link io.podium.core.broker.StsCallException} kind. Uses {@code core}.
 */
@NullMarked
package io.podium.aws;

import org.jspecify.annotations.NullMarked;
