package dev.herald.storage.mail;

/** A message found by its Message-ID, for threading: its row, its thread and its own parent. */
public record MessageLink(long id, long threadId, java.util.Optional<Long> parentId) {
}
