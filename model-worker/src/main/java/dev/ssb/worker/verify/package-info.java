/** Answer extraction from completions and math-equivalence checking (Symja for the algebra). */
package dev.ssb.worker.verify;
