package dev.reef.internal.engine;

import dev.reef.AccessRequest;
import dev.reef.Action;
import dev.reef.Observation;
import dev.reef.SporeObserver;
import dev.reef.spi.ReefBackend;
import dev.reef.spore.Names;

/**
 * Watching a channel (SPEC §8: an action like any other): its spores, as the backend copies them,
 * and its agents' backlogs.
 */
final class Observers {
  private final Lifecycle lifecycle;
  private final Access access;
  private final ReefBackend backend;

  Observers(Lifecycle lifecycle, Access access, ReefBackend backend) {
    this.lifecycle = lifecycle;
    this.access = access;
    this.backend = backend;
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
    return backend.observe(channel, observer);
  }
}
