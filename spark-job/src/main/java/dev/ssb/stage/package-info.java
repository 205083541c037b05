/**
 * What the model stages share: the task settings shipped to executors and the one batched-model
 * partition runner (take a replica, batch rows, seed, generate or score, verify, release, time).
 */
package dev.ssb.stage;
