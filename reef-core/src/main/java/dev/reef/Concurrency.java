package dev.reef;

/** How an agent instance runs its handler. */
public enum Concurrency {
  /** One spore at a time, in delivery order. */
  SEQUENTIAL,
  /** Up to the worker pool size at a time. */
  CONCURRENT
}
