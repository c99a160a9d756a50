package dev.herald.storage.spool;

/** A committed message: its envelope and where its body is. */
public record SpoolEntry(SpoolEnvelope envelope, BlobRef blob) {
    /** The position just after this record in its segment: the spool's progress mark once it is processed. */
    public long end() {
        return blob.offset() + blob.length() + 4;
    }
}
