/**
 * The rollout stage: K sampled, verified solutions per problem, decoded in batches on executors.
 */
package dev.ssb.rollout;
