/**
 * The node's side of fail-closed interception: the rule that sends pods' metadata traffic to the
 * agent (iptables-legacy, iptables-nft or nftables, run through the small {@link
 * io.podium.interception.CommandRunner} port), installed before pods run, checked and repaired,
 * counted, never removed on exit; and the removal of the node's start-up taint. Uses {@code core}.
 */
@NullMarked
package io.podium.interception;

import org.jspecify.annotations.NullMarked;
