package dev.reef.internal.engine;

import dev.reef.AccessRequest;
import dev.reef.Action;
import dev.reef.Observation;
import dev.reef.SporeObserver;
import dev.reef.internal.directory.DirectoryService;
import dev.reef.spi.ReefBackend;

/**
 * Watching a channel (SPEC §8: an action like any other): authorized, then handed to the backend
 * with the directory's view of which agents have queues there.
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

  Observation observe(String channel, SporeObserver observer) {
    lifecycle.ensureNotClosing();
    access.check(AccessRequest.operator(Action.OBSERVE, channel));
    return backend.observe(channel, observer, () -> directory.knownAgents(channel));
  }
}
