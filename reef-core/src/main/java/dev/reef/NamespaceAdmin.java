package dev.reef;

import java.util.List;

/** The broker objects of a Reef's namespace, for operators: from {@link Reef#admin()}. */
public interface NamespaceAdmin {

  /** The namespace. */
  String namespace();

  /** The names of its queues, exchanges and streams (asks the {@link Authorizer} as {@link Action#OBSERVE}). */
  List<String> objects();

  /**
   * Deletes every broker object of the namespace, spores, dead letters and history included (asks
   * the {@link Authorizer} as {@link Action#NAMESPACE_DELETE}); returns how many there were. Close
   * this Reef afterwards: its own agents' queues are gone too.
   */
  int delete();
}
