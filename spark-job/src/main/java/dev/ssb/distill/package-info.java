/**
 * The driver-coordinated distillation stage: the driver owns the LoRA adapter and AdamW, executors
 * compute gradient sums of their shard of each global batch on their resident base model.
 */
package dev.ssb.distill;
