import NIfTI

/// What a `uvs_volume *` points to: an immutable volume, so a handle may be read by many threads.
final class VolumeObject {
    let volume: Volume

    init(_ volume: Volume) { self.volume = volume }
}
