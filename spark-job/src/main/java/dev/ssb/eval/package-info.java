/**
 * The evaluate stage: pass@1 and maj@k of the base model and of base + student adapter on a
 * held-out set, with 95% intervals and their paired difference.
 */
package dev.ssb.eval;
