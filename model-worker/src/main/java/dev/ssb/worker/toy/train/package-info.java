/**
 * The recipe that trains the embedded tiny base model from scratch on the toy domain and measures
 * it (student pass@1, mixed outcomes at K samples, hinted-teacher accuracy).
 */
package dev.ssb.worker.toy.train;
