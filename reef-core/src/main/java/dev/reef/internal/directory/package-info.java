/**
 * The agent directory (SPEC §3.17): presence announcements made and read the same way on every
 * backend, which only carries them. A leaf of the engine.
 */
package dev.reef.internal.directory;
