package dev.reef.internal.engine;

import dev.reef.spore.Spore;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The final replies this Reef's agents sent most recently, by the id of the request they answer, so
 * that a request sent again by a requester whose reply was lost with its connection (SPEC §3.3) is
 * answered again rather than run again or left to time out (its id is a duplicate by then).
 *
 * <p>Bounded by count and by the size of the knowledge kept: the oldest go first, and a reply larger
 * than a tenth of the budget is not kept (a request sent again for it then times out, as it would
 * have without this). A reply is answered again only to the address it first went to, so a request
 * forged with a known id and another {@code reply_to} reflects nothing anywhere.
 */
final class RecentReplies {
  /** A reply as it went out (stamped and signed), and where to. */
  record Sent(String channel, String address, Spore reply) {}

  private final int maxReplies;
  private final long maxKnowledgeBytes;
  private final LinkedHashMap<String, Sent> byRequest = new LinkedHashMap<>(); // guarded by this
  private long knowledgeBytes; // guarded by this

  /**
   * @param maxReplies the most replies kept
   * @param maxKnowledgeBytes the most knowledge bytes kept, all replies together
   */
  RecentReplies(int maxReplies, long maxKnowledgeBytes) {
    if (maxReplies < 1 || maxKnowledgeBytes < 1) {
      throw new IllegalArgumentException("maxReplies and maxKnowledgeBytes must be positive, got " + maxReplies
          + " and " + maxKnowledgeBytes);
    }
    this.maxReplies = maxReplies;
    this.maxKnowledgeBytes = maxKnowledgeBytes;
  }

  /** Keeps {@code reply}, sent to {@code address}, as the answer to the request it names in {@code reply_to}. */
  void remember(String channel, String address, Spore reply) {
    String request = reply.replyTo();
    long size = reply.knowledgeBytes();
    if (address == null || size > maxKnowledgeBytes / 10) {
      return;
    }
    synchronized (this) {
      Sent before = byRequest.put(request, new Sent(channel, address, reply));
      knowledgeBytes += size - (before == null ? 0 : before.reply().knowledgeBytes());
      if (byRequest.size() > maxReplies || knowledgeBytes > maxKnowledgeBytes) {
        Iterator<Map.Entry<String, Sent>> oldest = byRequest.entrySet().iterator();
        while (byRequest.size() > maxReplies || knowledgeBytes > maxKnowledgeBytes) {
          knowledgeBytes -= oldest.next().getValue().reply().knowledgeBytes();
          oldest.remove();
        }
      }
    }
  }

  /** The reply kept for {@code requestId} if it went to {@code address}. */
  synchronized Optional<Sent> find(String requestId, String address) {
    Sent sent = byRequest.get(requestId);
    return sent != null && sent.address().equals(address) ? Optional.of(sent) : Optional.empty();
  }

  /** How many replies are kept (for tests). */
  synchronized int size() {
    return byRequest.size();
  }
}
