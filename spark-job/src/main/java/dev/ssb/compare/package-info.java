/**
 * {@code ssb compare}: SSB and its baselines trained from one run's rollouts and evaluated alike.
 */
package dev.ssb.compare;
