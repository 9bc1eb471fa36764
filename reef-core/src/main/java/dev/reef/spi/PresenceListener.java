package dev.reef.spi;

/** Hears the presence messages of a namespace's other connections. Runs on a backend thread; must not block. */
@FunctionalInterface
public interface PresenceListener {

  /** Takes one message. */
  void onPresence(PresenceMessage message);
}
