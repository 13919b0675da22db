#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Diagnostics
import NIfTI

/// Aligns one volume to another: rigid, then affine, then (optionally) deformable.
public enum Registration {
    /// Receives the fraction done (0...1, non-decreasing) between units of work and may throw
    /// `UVSegError.cancelled` to stop the alignment, which then throws that error.
    public typealias Progress = (Double) throws(UVSegError) -> Void

    /// How `moving` lines up with `fixed`: the transform from the fixed volume's world space to the
    /// moving one's, a displacement field on the fixed grid when `options.deformable`, and the
    /// similarity reached. Both volumes keep their own grids, voxel sizes and orientations.
    ///
    /// - Throws: `.invalidArgument` for an empty or constant volume, non-finite voxels, voxel sizes
    ///   more than `largestVoxelSizeRatio` apart or bad options, naming the volume by its entry of
    ///   `roles`; `.badFormat` for an affine without volume; `.outOfMemory` past
    ///   `options.memoryLimit`; `.cancelled` when `progress` stops it.
    public static func align(
        moving: Volume, to fixed: Volume, options: RegistrationOptions = .init(),
        roles: (moving: String, fixed: String) = ("moving", "fixed"), progress: Progress? = nil
    ) throws(UVSegError) -> RegistrationResult {
        let options = try options.validated()
        func report(_ fraction: Double) throws(UVSegError) { try progress?(fraction) }
        var budget = MemoryBudget(limit: options.memoryLimit)
        let parallel = ParallelParts(threadCount: options.threads == 0 ? availableCores : options.threads)
        let fixedImage = try scalarImage(fixed, role: roles.fixed)
        let movingImage = try scalarImage(moving, role: roles.moving)
        let factors = Array(Set(options.affineShrinkFactors + (options.deformable ? options.deformableShrinkFactors : [])))
            .sorted(by: >)
        let coarsestSpacing = max(fixedImage.grid.spacing.max(), movingImage.grid.spacing.max())
        try requireComparableVoxelSizes(fixedImage, movingImage, roles: roles)
        let fixedPyramid = try ImagePyramid(
            fixedImage, shrinkFactors: factors, coarsestSpacing: coarsestSpacing, budget: &budget, parallel: parallel)
        let movingPyramid = try ImagePyramid(
            movingImage, shrinkFactors: factors, coarsestSpacing: coarsestSpacing, budget: &budget, parallel: parallel)
        try report(0)

        let affineShare = options.deformable ? 0.25 : 1
        let (transform, _) = try AffineRegistration(
            fixed: fixedPyramid.levels(for: options.affineShrinkFactors),
            moving: movingPyramid.levels(for: options.affineShrinkFactors), options: options, parallel: parallel
        ).run { fraction throws(UVSegError) in try report(fraction * affineShare) }
        var result = RegistrationResult(transform: transform, field: nil, affineSimilarity: 0, similarity: 0)
        result.affineSimilarity = try similarity(moving, fixed, through: result, budget: &budget, parallel: parallel)
        result.similarity = result.affineSimilarity
        try report(affineShare)
        if options.deformable {
            let field = try DeformableRegistration(
                fixed: fixedPyramid.levels(for: options.deformableShrinkFactors),
                moving: movingPyramid.levels(for: options.deformableShrinkFactors), transform: transform,
                options: options, parallel: parallel
            ).run(fullFixed: fixedImage, budget: &budget) { fraction throws(UVSegError) in
                try report(affineShare + (1 - affineShare) * fraction)
            }
            result.field = DisplacementField(size: fixed.size, geometry: fixed.geometry, components: field)
            result.similarity = try similarity(moving, fixed, through: result, budget: &budget, parallel: parallel)
            try report(1)
        }
        return result
    }

    /// The most the largest voxel side of the two volumes may exceed the smallest. Both are blurred
    /// to the coarsest voxel size before they are compared, a Gaussian of that many of the finest
    /// voxels: real scans differ by tens (0.2 mm in-plane against 6 mm slices), while a hostile
    /// header's millions would make the kernel, and the time, unbounded.
    public static let largestVoxelSizeRatio = 1000.0

    /// `.invalidArgument` unless the voxel sides of `fixed` and `moving` are within
    /// `largestVoxelSizeRatio` of each other.
    private static func requireComparableVoxelSizes(
        _ fixed: ScalarImage, _ moving: ScalarImage, roles: (moving: String, fixed: String)
    ) throws(UVSegError) {
        let sides = [fixed.grid.spacing, moving.grid.spacing].flatMap { [$0.x, $0.y, $0.z] }
        let (smallest, largest) = (sides.min() ?? 1, sides.max() ?? 1)
        guard largest <= largestVoxelSizeRatio * smallest else {
            throw .invalidArgument(
                "the \(roles.fixed) and \(roles.moving) volumes' voxel sides range from \(smallest) to \(largest) mm, "
                    + "more than \(Int(largestVoxelSizeRatio)) times apart")
        }
    }

    /// The voxel count a volume's size promises; `.invalidArgument` when its voxels disagree.
    static func checkVoxelCount(_ volume: Volume, role: String) throws(UVSegError) {
        guard volume.voxels.count == volume.size.voxelCount else {
            throw .invalidArgument(
                "the \(role) volume has \(volume.voxels.count) voxels but its size \(volume.size.axes) needs "
                    + "\(volume.size.voxelCount)")
        }
    }

    /// The working image of a volume, refusing what cannot be aligned.
    private static func scalarImage(_ volume: Volume, role: String) throws(UVSegError) -> ScalarImage {
        let grid = try VoxelGrid(of: volume)
        try checkVoxelCount(volume, role: role)
        guard volume.voxels.allSatisfy(\.isFinite) else {
            throw .invalidArgument("the \(role) volume holds non-finite values (NaN or infinity) and cannot be aligned")
        }
        guard let first = volume.voxels.first, volume.voxels.contains(where: { $0 != first }) else {
            throw .invalidArgument("the \(role) volume is constant: it has no structure to align")
        }
        return ScalarImage(grid: grid, voxels: volume.voxels)
    }

    /// The correlation ratio of `moving`, brought onto the fixed grid through `result`, given `fixed`.
    private static func similarity(
        _ moving: Volume, _ fixed: Volume, through result: RegistrationResult, budget: inout MemoryBudget,
        parallel: ParallelParts
    ) throws(UVSegError) -> Double {
        let resampled = try Resampler.resample(
            moving, onto: fixed.size, geometry: fixed.geometry, through: result, mode: .linear, budget: &budget,
            parallel: parallel)
        budget.release(fixed.size.voxelCount, of: MemoryLayout<Float>.stride)
        return CorrelationRatio.ratio(fixed: fixed.voxels, moving: resampled.voxels)
    }
}

/// The cores available to the process: the default thread count.
var availableCores: Int {
    max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}
