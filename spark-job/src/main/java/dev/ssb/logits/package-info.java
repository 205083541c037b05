/** The teacher-logits stage: the teacher's top-k next-token distributions over accepted replies. */
package dev.ssb.logits;
