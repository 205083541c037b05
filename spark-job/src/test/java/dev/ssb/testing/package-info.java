/**
 * Test infrastructure: a real multi-process Spark standalone cluster and the jobs that probe it.
 */
package dev.ssb.testing;
