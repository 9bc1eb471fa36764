/**
 * HTTP for agent JVMs: {@code /health} (liveness and readiness), Prometheus {@code /metrics}, and a
 * live dashboard at {@code /} fed by server-sent events, all on the Reef's Vert.x. The entry point
 * is {@link dev.reef.tools.http.ReefHttpServer}; everything else here is internal.
 */
package dev.reef.tools.http;
