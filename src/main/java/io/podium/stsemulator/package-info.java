/**
 * The STS emulator ({@code podium sts-emulator}, and {@code podium dev}'s STS): the real query
 * protocol and XML replies on Netty, SigV4 verification, AssumeRole, AssumeRoleWithWebIdentity and
 * GetCallerIdentity against a roles file, web identity tokens verified against registered OIDC
 * providers (or only decoded without any), and fault injection for tests. Not a security boundary.
 * Uses {@code core.role} for role ARNs.
 */
@NullMarked
package io.podium.stsemulator;

import org.jspecify.annotations.NullMarked;
