import NIfTI

/// The neighbours of the voxels of a grid under a connectivity, found through precomputed steps in
/// storage order so that voxels away from the border need no bounds checks.
struct Neighbourhood {
    private let extent: SIMD3<Int>
    private let offsets: [SIMD3<Int>]
    /// The change of storage index for each offset.
    private let steps: [Int]

    init(_ size: GridSize, _ connectivity: Connectivity) {
        extent = SIMD3(size.i, size.j, size.k)
        offsets = connectivity.offsets
        let strides = SIMD3(1, size.i, size.i * size.j)
        steps = offsets.map { ($0 &* strides).wrappedSum() }
    }

    /// The (i, j, k) of the voxel at storage index `index`.
    func voxel(at index: Int) -> SIMD3<Int> {
        SIMD3(index % extent.x, index / extent.x % extent.y, index / (extent.x * extent.y))
    }

    /// Whether the voxel lies on a face of the grid, counting only axes more than one voxel long
    /// (along an axis one voxel thick the grid is a 2-D image with no border there).
    func isOnBorder(_ voxel: SIMD3<Int>) -> Bool {
        let long = extent .> 1
        return any(long .& ((voxel .== 0) .| (voxel .== extent &- 1)))
    }

    /// Calls `body` with the storage index of each neighbour of the voxel at `index` that lies in
    /// the grid.
    @inline(__always)
    func forEachNeighbour(of index: Int, _ body: (Int) -> Void) {
        let voxel = voxel(at: index)
        if voxel.x > 0, voxel.y > 0, voxel.z > 0, voxel.x < extent.x - 1, voxel.y < extent.y - 1, voxel.z < extent.z - 1 {
            for step in steps { body(index + step) }
            return
        }
        for (offset, step) in zip(offsets, steps) {
            let neighbour = voxel &+ offset
            if all(neighbour .>= 0) && all(neighbour .< extent) { body(index + step) }
        }
    }
}
