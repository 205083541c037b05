/**
 * Drawing problems in a seeded order, round by round, until {@code data.accept_target} are
 * accepted.
 */
package dev.ssb.accept;
