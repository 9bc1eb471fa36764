package dev.reef.internal.engine;

import dev.reef.AccessRequest;
import dev.reef.Action;
import dev.reef.NamespaceAdmin;
import dev.reef.spi.ReefBackend;
import java.util.List;

/** A namespace's broker objects for operators, every call authorized. */
final class Admin implements NamespaceAdmin {
  private final Lifecycle lifecycle;
  private final Access access;
  private final ReefBackend backend;

  Admin(Lifecycle lifecycle, Access access, ReefBackend backend) {
    this.lifecycle = lifecycle;
    this.access = access;
    this.backend = backend;
  }

  @Override
  public String namespace() {
    return backend.namespace();
  }

  @Override
  public List<String> objects() {
    lifecycle.ensureOpen();
    access.check(AccessRequest.operator(Action.OBSERVE, null));
    return backend.namespaceObjects();
  }

  @Override
  public int delete() {
    lifecycle.ensureOpen();
    access.check(AccessRequest.operator(Action.NAMESPACE_DELETE, null));
    return backend.deleteNamespace();
  }
}
