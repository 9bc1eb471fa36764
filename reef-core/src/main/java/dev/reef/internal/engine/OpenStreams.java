package dev.reef.internal.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The reply streams this Reef's handlers have open, by request id, so that a caller's cancel finds its handler. */
final class OpenStreams {
  private static final Logger LOG = LoggerFactory.getLogger(OpenStreams.class);

  private final Map<String, ReplyStreamImpl> open = new ConcurrentHashMap<>();

  void opened(String requestId, ReplyStreamImpl stream) {
    open.put(requestId, stream);
  }

  void closed(String requestId) {
    open.remove(requestId);
  }

  /** A cancel from {@code fromAgent}: only the agent that asked may cancel. */
  void cancel(String requestId, String fromAgent) {
    ReplyStreamImpl stream = open.get(requestId);
    if (stream == null) {
      LOG.debug("cancel of request {} from '{}': no stream open for it (finished already)", requestId, fromAgent);
    } else if (!stream.requester().equals(fromAgent)) {
      LOG.warn("cancel of request {} claims to come from '{}', but '{}' asked; ignored", requestId, fromAgent,
          stream.requester());
    } else {
      stream.cancelled();
    }
  }
}
