/**
 * GRPO, the reinforcement-learning baseline SSB is measured against: group-sampled rollouts on the
 * executors, verifier rewards, group-relative advantages and a driver-coordinated clipped
 * policy-gradient step on the same LoRA, AdamW and checkpoint machinery as distillation.
 */
package dev.ssb.grpo;
