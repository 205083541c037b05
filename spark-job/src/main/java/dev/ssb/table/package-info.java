/** Run layout on a Hadoop file system: Parquet tables committed by a JSON manifest written last. */
package dev.ssb.table;
