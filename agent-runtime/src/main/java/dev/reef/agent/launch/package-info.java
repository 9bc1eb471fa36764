/**
 * Running agent JVMs (SPEC §6): {@link dev.reef.agent.launch.Settings} from flags, environment
 * variables and a config file, in that order of precedence; {@link dev.reef.agent.launch.AgentLauncher}
 * starts the agents they name, serves HTTP, and stops gracefully on SIGTERM;
 * {@link dev.reef.agent.launch.ReefConnection} connects the command-line tools. Secrets in URIs never
 * reach messages: see {@link dev.reef.agent.launch.Secrets}.
 */
package dev.reef.agent.launch;
