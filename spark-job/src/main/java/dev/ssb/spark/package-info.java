/** Spark-side plumbing shared by the stages: sessions, per-executor model cache, GPUs, seeds. */
package dev.ssb.spark;
