/** Benchmarks of the Spark stages (run by hand with {@code main}; not part of the test suite). */
package dev.ssb.bench;
