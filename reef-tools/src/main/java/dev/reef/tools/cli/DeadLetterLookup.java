package dev.reef.tools.cli;

import dev.reef.DeadLetter;
import dev.reef.tools.launch.ReefConnection;
import java.util.List;

/** Finds a dead letter by id, or says which namespace has none and which ids are close. */
final class DeadLetterLookup {
  private DeadLetterLookup() {}

  /** The dead letter {@code id}; a missing one is bad input (exit code 2) naming the namespace. */
  static DeadLetter find(ReefSubcommand command, ReefConnection reef, String id) {
    List<DeadLetter> letters = reef.reef().deadLetters().list();
    for (DeadLetter letter : letters) {
      if (letter.id().equals(id)) {
        return letter;
      }
    }
    List<String> prefixed = letters.stream().map(DeadLetter::id).filter(other -> other.startsWith(id)).toList();
    if (prefixed.size() == 1 && id.length() >= 4) {
      return letters.stream().filter(letter -> letter.id().equals(prefixed.get(0))).findFirst().orElseThrow();
    }
    throw command.usage("no dead letter '" + id + "' in namespace '" + reef.reef().namespace() + "' ("
        + letters.size() + " there; 'reef dlq list' shows their ids)"
        + Suggestions.didYouMean(id, letters.stream().map(DeadLetter::id).toList()));
  }
}
