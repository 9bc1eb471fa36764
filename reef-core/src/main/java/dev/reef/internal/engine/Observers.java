package dev.reef.internal.engine;

import dev.reef.AccessRequest;
import dev.reef.Action;
import dev.reef.Observation;
import dev.reef.SporeObserver;
import dev.reef.internal.directory.DirectoryService;
import dev.reef.spi.ReefBackend;
import dev.reef.spore.Names;

/**
 * Watching a channel (SPEC §8: an action like any other): its spores, handed to the backend with
 * the directory's view of which agents have queues there, and its agents' backlogs.
 */
final class Observers {
  private final Lifecycle lifecycle;
  private final Access access;
  private final ReefBackend backend;
  private final DirectoryService directory;

  Observers(Lifecycle lifecycle, Access access, ReefBackend backend, DirectoryService directory) {
    this.lifecycle = lifecycle;
    this.access = access;
    this.backend = backend;
    this.directory = directory;
  }

  long backlog(String channel, String agent) {
    Names.require("agent name", agent);
    lifecycle.ensureOpen();
    access.check(AccessRequest.operator(Action.OBSERVE, channel));
    return backend.backlog(channel, agent);
  }

  Observation observe(String channel, SporeObserver observer) {
    lifecycle.ensureNotClosing();
    access.check(AccessRequest.operator(Action.OBSERVE, channel));
    return backend.observe(channel, observer, () -> directory.knownAgents(channel));
  }
}
