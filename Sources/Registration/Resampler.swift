import Diagnostics
import NIfTI

/// Brings a moving volume (an image or a label map) onto another grid through a registration:
/// each target voxel takes the moving value at `transform(x + d(x))`, x its world position, both
/// grids placed by their own affines, so voxel sizes, fields of view and storage orientations may
/// all differ. Points beyond the moving grid get the background: 0 in label maps, the smallest
/// voxel value in images.
public enum Resampler {
    /// How label values are carried.
    public enum LabelInterpolation: Sendable {
        /// The label of the nearest moving voxel.
        case nearest
        /// Each label's indicator interpolated linearly, the largest one wins (smoother borders than
        /// nearest neighbour, never a value that is not a label).
        case perLabelLinear
    }

    /// An image resampled with trilinear interpolation onto the grid of `size` placed by `geometry`.
    public static func image(
        _ moving: Volume, onto size: GridSize, geometry: Geometry, through result: RegistrationResult,
        memoryLimit: Int = MemoryBudget.defaultLimit
    ) throws(UVSegError) -> Volume {
        var budget = MemoryBudget(limit: memoryLimit)
        return try resample(moving, onto: size, geometry: geometry, through: result, mode: .linear, budget: &budget)
    }

    /// A label map resampled onto the grid of `size` placed by `geometry`; every value of the
    /// result is a value of `labels` or 0.
    public static func labels(
        _ labels: Volume, onto size: GridSize, geometry: Geometry, through result: RegistrationResult,
        interpolation: LabelInterpolation = .nearest, memoryLimit: Int = MemoryBudget.defaultLimit
    ) throws(UVSegError) -> Volume {
        var budget = MemoryBudget(limit: memoryLimit)
        let mode: Mode = interpolation == .nearest ? .nearest : .dominantLabel
        return try resample(labels, onto: size, geometry: geometry, through: result, mode: mode, budget: &budget)
    }

    /// For each of `values`, the share of that label around each target voxel: its indicator in
    /// `labels` interpolated trilinearly onto the grid of `size` placed by `geometry`, in [0, 1],
    /// 0 beyond the moving grid. Soft labels for label fusion.
    public static func labelShares(
        _ labels: Volume, of values: [Int32], onto size: GridSize, geometry: Geometry, through result: RegistrationResult,
        memoryLimit: Int = MemoryBudget.defaultLimit
    ) throws(UVSegError) -> [Volume] {
        var budget = MemoryBudget(limit: memoryLimit)
        return try values.map { (value) throws(UVSegError) in
            try resample(labels, onto: size, geometry: geometry, through: result, mode: .share(Float(value)), budget: &budget)
        }
    }

    enum Mode: Equatable { case linear, nearest, dominantLabel, share(Float) }

    static func resample(
        _ moving: Volume, onto size: GridSize, geometry: Geometry, through result: RegistrationResult, mode: Mode,
        budget: inout MemoryBudget, parallel: ParallelParts = ParallelParts(threadCount: availableCores)
    ) throws(UVSegError) -> Volume {
        let movingGrid = try VoxelGrid(of: moving)
        try Registration.checkVoxelCount(moving, role: "moving")
        let target = try VoxelGrid(size: size, affine: geometry.affine)
        let targetToMovingVoxel = movingGrid.worldToVoxel.after(result.transform)
        let background = mode == .linear ? moving.voxels.min() ?? 0 : 0
        try budget.charge(size.voxelCount, of: MemoryLayout<Float>.stride, for: "the resampled volume")
        var output = [Float](repeating: 0, count: size.voxelCount)
        let field = result.field
        let fieldGrid = try field.map { field throws(UVSegError) in try VoxelGrid(size: field.size, affine: field.geometry.affine) }
        let noDisplacement = [Float](repeating: 0, count: 1)
        let components = field.map { [$0.x, $0.y, $0.z] } ?? [noDisplacement, noDisplacement, noDisplacement]
        let fieldSize = fieldGrid.map { ($0.size.i, $0.size.j, $0.size.k) } ?? (1, 1, 1)
        let targetToFieldVoxel = fieldGrid.map { $0.worldToVoxel.after(target.voxelToWorld) } ?? .identity
        moving.voxels.withUnsafeBufferPointer { source in
            components[0].withUnsafeBufferPointer { dx in
                components[1].withUnsafeBufferPointer { dy in
                    components[2].withUnsafeBufferPointer { dz in
                        output.withUnsafeMutableBufferPointer { destination in
                            let pointers = UncheckedSendable(value: (source, destination, dx, dy, dz))
                            parallel.forEachPart(of: size.j * size.k) { _, lines in
                                let (source, destination, dx, dy, dz) = pointers.value
                                let image = TrilinearSampler(
                                    source, size: (movingGrid.size.i, movingGrid.size.j, movingGrid.size.k),
                                    outside: background)
                                let displacement = [dx, dy, dz].map { TrilinearSampler($0, size: fieldSize) }
                                for line in lines {
                                    for i in 0..<size.i {
                                        let v = SIMD3(Double(i), Double(line % size.j), Double(line / size.j))
                                        var x = target.voxelToWorld.apply(v)
                                        if fieldGrid != nil {
                                            let p = targetToFieldVoxel.apply(v)
                                            x += SIMD3(
                                                Double(displacement[0].clampedValue(at: p)),
                                                Double(displacement[1].clampedValue(at: p)),
                                                Double(displacement[2].clampedValue(at: p)))
                                        }
                                        let q = targetToMovingVoxel.apply(x)
                                        let value: Float
                                        switch mode {
                                        case .linear: value = image.value(at: q)
                                        case .nearest: value = image.nearestValue(at: q)
                                        case .dominantLabel: value = image.dominantLabel(at: q)
                                        case .share(let label): value = image.share(of: label, at: q)
                                        }
                                        destination[i + size.i * line] = value
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Volume(size: size, voxels: output, geometry: geometry)
    }
}
