/**
 * Service accounts as the admission webhook sees them: {@link
 * io.podium.core.account.ServiceAccountView} (identity and annotations), the port {@link
 * io.podium.core.account.ServiceAccountDirectory} that finds an account and its namespace's policy
 * within a bounded time, and {@link io.podium.core.account.ServiceAccountProblems}, which hears of
 * roles not given. Uses {@code core.role}.
 */
@NullMarked
package io.podium.core.account;

import org.jspecify.annotations.NullMarked;
