import NIfTI

/// What a `uvs_volume *` points to: an immutable volume, so a handle may be read by many threads.
final class VolumeObject {
    let volume: Volume
    /// The file the volume was read from (for a segmentation's volumes, the query's), so that
    /// writers can refuse to replace it; nil for a volume made in memory.
    let source: FileIdentity?

    init(_ volume: Volume, source: FileIdentity? = nil) {
        self.volume = volume
        self.source = source
    }
}
