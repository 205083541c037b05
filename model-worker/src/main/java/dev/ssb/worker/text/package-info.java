/**
 * Tokenizers and chat templates of Hugging Face checkpoints: tokenizer.json, tokenizer_config.json.
 */
package dev.ssb.worker.text;
