/**
 * Distillation on DJL autograd: the top-k KD loss of DESIGN.md §3, LoRA gradients of a batch, and
 * full-parameter training of the toy base model.
 */
package dev.ssb.worker.distill;
