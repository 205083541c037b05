/**
 * The public surface of the model runtime, the only package spark-job may import: interfaces and
 * value types that import no other ssb package (implementations are found with {@link
 * java.util.ServiceLoader}; see docs/api.md).
 */
package dev.ssb.worker.api;
