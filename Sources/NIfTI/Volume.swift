/// A 3-D scalar image on a voxel grid placed in world (scanner) space, as a NIfTI file describes it.
///
/// `size`, `voxels` and `geometry` are what later stages compute with; `metadata` records what the
/// source file said beyond that (datatype, scaling, intent, ...) so tools can show it and writers can
/// carry it on.
public struct Volume: Sendable {
    /// Grid size in voxels along the array axes i, j, k; a 2-D image has `size.k == 1`.
    public var size: GridSize
    /// Voxel values, i fastest: `voxels[i + size.i * (j + size.j * k)]`.
    public var voxels: [Float]
    /// Where the grid sits in the world.
    public var geometry: Geometry
    /// What the source file said about its data; `VolumeMetadata()` for a volume made in memory.
    public var metadata: VolumeMetadata

    /// A volume from its parts; `voxels.count` should equal `size.voxelCount` (writers and
    /// reorientation check it and throw `.invalidArgument` otherwise).
    public init(size: GridSize, voxels: [Float], geometry: Geometry, metadata: VolumeMetadata = .init()) {
        self.size = size
        self.voxels = voxels
        self.geometry = geometry
        self.metadata = metadata
    }
}

/// The size of a voxel grid along its three array axes.
public struct GridSize: Sendable, Equatable, Hashable {
    public var i: Int
    public var j: Int
    public var k: Int
    public init(i: Int, j: Int, k: Int) { self.i = i; self.j = j; self.k = k }
    /// `i * j * k`; sizes read from files have been checked not to overflow.
    public var voxelCount: Int { i * j * k }
    /// The sizes as an array `[i, j, k]`.
    public var axes: [Int] { [i, j, k] }
}
