package dev.reef.inmemory;

import dev.reef.spore.Spore;
import java.util.ArrayDeque;

/**
 * The messages waiting in one queue: priority first, FIFO within a priority (AMQP: {@code
 * x-max-priority} 10). Not thread-safe: its queue's lock guards it.
 */
final class PriorityLevels {
  @SuppressWarnings("unchecked")
  private final ArrayDeque<Message>[] levels = new ArrayDeque[Spore.MAX_PRIORITY + 1];
  private int nonEmpty; // bit p is set when levels[p] holds messages
  private int size;

  /** How many messages wait, all priorities together. */
  int size() {
    return size;
  }

  /** Adds {@code message} behind those of its priority, or ahead of them ({@code atHead}: a requeue). */
  void add(Message message, boolean atHead) {
    int priority = message.spore().priority();
    ArrayDeque<Message> level = levels[priority];
    if (level == null) {
      level = new ArrayDeque<>();
      levels[priority] = level;
    }
    if (atHead) {
      level.addFirst(message);
    } else {
      level.addLast(message);
    }
    nonEmpty |= 1 << priority;
    size++;
  }

  /** Takes the first message of the highest priority; only when {@link #size()} is positive. */
  Message poll() {
    int priority = 31 - Integer.numberOfLeadingZeros(nonEmpty);
    ArrayDeque<Message> level = levels[priority];
    Message message = level.pollFirst();
    if (level.isEmpty()) {
      nonEmpty &= ~(1 << priority);
    }
    size--;
    return message;
  }
}
