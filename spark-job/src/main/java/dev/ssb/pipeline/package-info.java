/** The whole SSB pipeline as one run: every stage in order, over one or more rounds. */
package dev.ssb.pipeline;
