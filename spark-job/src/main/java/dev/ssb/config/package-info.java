/** Run configuration: every key with its default and range, resolved CLI > file > defaults. */
package dev.ssb.config;
