/**
 * Pure-Java checkpoint files: config.json, safetensors (F32/F16/BF16, sharded, memory-mapped),
 * Hugging Face checkpoint directories and PEFT adapters. No native library is touched here.
 */
package dev.ssb.worker.io;
