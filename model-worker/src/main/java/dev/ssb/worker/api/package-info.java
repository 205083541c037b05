/** The public surface of the model runtime: the only package spark-job may import. */
package dev.ssb.worker.api;
