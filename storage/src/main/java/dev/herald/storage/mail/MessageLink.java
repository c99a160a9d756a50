package dev.herald.storage.mail;

/** A message found by its Message-ID, for threading: its row and its thread. */
public record MessageLink(long id, long threadId) {
}
