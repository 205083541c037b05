/**
 * The toy math domain that trains the embedded tiny model: a seeded generator of multi-step
 * arithmetic word problems, their GSM8K-style datasets, solution formats, prompts and a
 * character-level ChatML tokenizer.
 */
package dev.ssb.worker.toy;
