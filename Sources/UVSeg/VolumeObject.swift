import Workflow

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

    /// The volume object behind a handle argument the contract requires, borrowed for the call;
    /// NULL is an invalid argument named `name`.
    static func borrowed(_ handle: OpaquePointer?, _ name: String) throws(UVSegError) -> VolumeObject {
        Handle.object(try required(handle, name), as: VolumeObject.self)
    }
}
