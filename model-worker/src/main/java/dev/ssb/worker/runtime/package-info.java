/**
 * The PyTorch-backed {@link dev.ssb.worker.api.LanguageModel}: loads a Hugging Face checkpoint onto
 * a device and serves generation, teacher logits, LoRA adapters, gradients and saving.
 */
package dev.ssb.worker.runtime;
