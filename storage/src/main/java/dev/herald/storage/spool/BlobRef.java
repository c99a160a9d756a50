package dev.herald.storage.spool;

/** Where a message body lies: a spool segment, the byte offset of the body in it, its length. */
public record BlobRef(int segment, long offset, int length) {
}
