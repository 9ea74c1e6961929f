/**
 * The command line ({@code podium <command>}, picocli) and the composition roots: each command
 * validates its options into one settings record, builds its process with {@code new}, and closes
 * it in reverse. The only package that may use every other.
 */
package io.podium.cli;
