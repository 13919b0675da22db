import Diagnostics
import NIfTI

/// A voxel grid placed in the world: its size, voxel-to-world map and the map back.
struct VoxelGrid: Sendable {
    let size: GridSize
    let voxelToWorld: AffineTransform
    let worldToVoxel: AffineTransform
    /// Voxel sizes in mm along i, j, k.
    let spacing: SIMD3<Double>

    /// The grid of `size` placed by `affine` (a 4 x 4 NIfTI affine); refuses an empty grid and an
    /// affine without volume.
    init(size: GridSize, affine: [Double]) throws(UVSegError) {
        guard size.i > 0, size.j > 0, size.k > 0 else {
            throw .invalidArgument("a volume to align needs at least one voxel along each axis, got \(size.axes)")
        }
        try self.init(size: size, voxelToWorld: AffineTransform(matrix: affine))
    }

    init(size: GridSize, voxelToWorld: AffineTransform) throws(UVSegError) {
        self.size = size
        self.voxelToWorld = voxelToWorld
        worldToVoxel = try voxelToWorld.inverted()
        spacing = SIMD3((0..<3).map { axis in
            let column = voxelToWorld.column(axis)
            return (column * column).sum().squareRoot()
        })
    }

    /// The grid of a volume.
    init(of volume: Volume) throws(UVSegError) {
        try self.init(size: volume.size, affine: volume.geometry.affine)
    }

    /// The world position of the grid's centre.
    var centre: SIMD3<Double> {
        voxelToWorld.apply(SIMD3(Double(size.i - 1), Double(size.j - 1), Double(size.k - 1)) / 2)
    }

    /// The world positions of the grid's eight corner voxels.
    var corners: [SIMD3<Double>] {
        (0..<8).map { corner in
            voxelToWorld.apply(SIMD3(
                corner & 1 == 0 ? 0 : Double(size.i - 1), corner & 2 == 0 ? 0 : Double(size.j - 1),
                corner & 4 == 0 ? 0 : Double(size.k - 1)))
        }
    }
}

/// Float voxels on a grid, i fastest: the working form of a volume inside registration.
struct ScalarImage: Sendable {
    let grid: VoxelGrid
    let voxels: [Float]
    /// The value taken beyond the grid: the smallest voxel, the background of a scan (0 in MRI,
    /// air in CT, the offset of a rescaled image).
    let background: Float

    init(grid: VoxelGrid, voxels: [Float]) {
        self.grid = grid
        self.voxels = voxels
        background = voxels.min() ?? 0
    }
}
