/**
 * The curate stage: per problem, one correct and one most-common-wrong rollout, a hinted teacher
 * reply and its verdict, with every problem's fate recorded.
 */
package dev.ssb.curate;
