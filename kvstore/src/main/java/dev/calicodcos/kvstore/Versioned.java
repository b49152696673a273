package dev.calicodcos.kvstore;

/**
 * A value read from etcd with the revisions that make compare-and-swap possible.
 *
 * @param modRevision    the revision of the last write to the key (a spec's generation)
 * @param createRevision the revision that created the key
 */
public record Versioned(byte[] value, long modRevision, long createRevision) {}
