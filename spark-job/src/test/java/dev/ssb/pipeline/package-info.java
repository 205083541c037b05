/** Tests of the whole pipeline run and of its reliability under killed processes. */
package dev.ssb.pipeline;
