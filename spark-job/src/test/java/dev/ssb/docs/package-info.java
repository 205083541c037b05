/**
 * Checks of the repository's Markdown documentation: links that resolve, a README that stays short.
 */
package dev.ssb.docs;
