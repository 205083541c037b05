/**
 * The ingest stage: GSM8K / MATH / AIME-shaped JSONL or Parquet into the problems and rejected
 * tables.
 */
package dev.ssb.ingest;
