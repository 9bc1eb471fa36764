/**
 * Agents on Reef: define an agent once, as an annotated class or with a builder of lambdas, and run
 * any number of its instances.
 *
 * <pre>{@code
 * AgentRuntime runtime = AgentRuntime.on(reef)
 *     .register(AgentSpec.named("summarizer")
 *         .respondsTo("finding", (spore, ctx) -> { remember(spore); return null; })
 *         .respondsTo("summary-request", (spore, ctx) -> Map.of("summary", summarize()))
 *         .build())
 *     .register(Researcher.class);                      // @AgentDefinition + @OnSpore methods
 * runtime.start("summarizer", 2);                       // two instances share the load
 * runtime.awaitQuiescence(Duration.ofSeconds(5));
 * runtime.close();                                      // drains: finishes in-flight spores
 * }</pre>
 *
 * <p>Every agent compiles into one immutable {@link dev.reef.agent.AgentSpec}. Handlers are
 * {@link dev.reef.SporeHandler}s and run on the Vert.x worker pools of {@link dev.reef.Channel#subscribe}:
 * the runtime adds routing by the knowledge's {@code type} field and lifecycle, not threads.
 */
package dev.reef.agent;
