/**
 * Batched sampling with a KV cache: per-sequence random streams, temperature, top-k, top-p and stop
 * rules, so each sequence's tokens depend only on its own prompt and seed.
 */
package dev.ssb.worker.generate;
