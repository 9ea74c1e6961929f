/**
 * Roles and namespace policy: a role annotation resolved to a {@link io.podium.core.role.RoleArn}
 * ({@link io.podium.core.role.RoleResolver}: pod, then service account, then default), and a
 * namespace's compiled {@link io.podium.core.role.NamespacePolicy} (kiam's {@code permitted} regex
 * with RE2/J, kube2iam's {@code allowed-roles} globs; deny by default) deciding it ({@link
 * io.podium.core.role.RolePolicy}, {@link io.podium.core.role.Decision}). Uses {@code core.pod}.
 */
@NullMarked
package io.podium.core.role;

import org.jspecify.annotations.NullMarked;
