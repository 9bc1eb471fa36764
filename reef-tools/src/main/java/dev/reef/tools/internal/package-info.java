/**
 * What the tools' packages share and users never import: durations as operators write them ({@link
 * dev.reef.tools.internal.Durations}) and masking secrets in text meant for people ({@link
 * dev.reef.tools.internal.Secrets}). Not API: it may change in any release.
 */
package dev.reef.tools.internal;
