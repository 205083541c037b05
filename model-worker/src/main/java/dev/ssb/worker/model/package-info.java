/**
 * The Qwen2/Llama decoder on DJL NDArrays: weights by Hugging Face names, rotary grouped-query
 * attention, SwiGLU MLP, a preallocated KV cache and LoRA on the seven projections.
 */
package dev.ssb.worker.model;
