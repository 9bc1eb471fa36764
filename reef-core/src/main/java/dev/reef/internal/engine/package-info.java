/**
 * The engine behind the {@code dev.reef} API: not for application code, and no API package imports
 * it. {@link dev.reef.internal.engine.ReefEngine} assembles, once per Reef, collaborators that each
 * get only what they use: the {@link dev.reef.internal.engine.Outbox} (the one way out), the request
 * tracker, the agent starter and its delivery processors, the directory. None of them calls back
 * into the facade.
 */
package dev.reef.internal.engine;
