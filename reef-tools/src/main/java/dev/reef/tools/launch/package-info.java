/**
 * Running agent JVMs (SPEC §6): {@link dev.reef.tools.launch.Settings} from flags, environment
 * variables and a config file, in that order of precedence; {@link dev.reef.tools.launch.AgentLauncher}
 * starts the agents they name, serves HTTP, and stops gracefully on SIGTERM;
 * {@link dev.reef.tools.launch.ReefConnection} connects the command-line tools to whichever backend
 * the URI names, found on the class path. Passwords in URIs never reach messages or logs.
 */
package dev.reef.tools.launch;
