import Diagnostics
import NIfTI

/// An image at several resolutions, coarsest first: each level is the image smoothed with a
/// Gaussian of half the shrink factor (in voxels, as ITK's multi-resolution pyramid does, so the
/// coarse grid does not alias) and resampled onto a grid that many times coarser.
///
/// Shrink factors are in units of the image's finest voxel size: an axis whose voxels are already
/// coarser (a thick-slice scan) is shrunk less, so the levels approach isotropy.
struct ImagePyramid: Sendable {
    let shrinkFactors: [Int]
    let levels: [ScalarImage]

    /// The levels for `factors`, each of which must be one of `shrinkFactors`.
    func levels(for factors: [Int]) -> [ScalarImage] {
        factors.map { levels[shrinkFactors.firstIndex(of: $0)!] }
    }

    /// The levels of `image` for `shrinkFactors` (e.g. [4, 2, 1]); each level is charged to `budget`.
    init(
        _ image: ScalarImage, shrinkFactors: [Int], coarsestSpacing: Double, budget: inout MemoryBudget,
        parallel: ParallelParts
    ) throws(UVSegError) {
        var levels: [ScalarImage] = []
        self.shrinkFactors = shrinkFactors
        for shrink in shrinkFactors {
            let factors = Self.axisFactors(shrink: shrink, grid: image.grid)
            try budget.charge(2 * image.voxels.count, of: MemoryLayout<Float>.stride, for: "an image pyramid level")
            var smoothed = image.voxels
            var scratch = [Float](repeating: 0, count: smoothed.count)
            let sigmas = SIMD3<Double>(factors) / 2
            let unshrunk = Self.matchingSigmas(spacing: image.grid.spacing, coarsestSpacing: coarsestSpacing)
            GaussianSmoothing(sigmas: sigmas.replacing(with: unshrunk, where: sigmas .== 0.5))
                .apply(to: &smoothed, size: image.grid.size, scratch: &scratch, parallel: parallel)
            let smoothedImage = ScalarImage(grid: image.grid, voxels: smoothed)
            levels.append(
                factors == SIMD3(repeating: 1)
                    ? smoothedImage : try Self.shrink(smoothedImage, by: factors, budget: &budget, parallel: parallel))
            budget.release(2 * image.voxels.count, of: MemoryLayout<Float>.stride)
        }
        self.levels = levels
    }

    /// The smoothing of an axis that is not shrunk, in voxels: trilinear interpolation blurs a
    /// sharp image more at half-voxel offsets than on the grid, which biases any similarity
    /// towards grid-aligned positions; a little blur on both images removes that bias.
    static let finestSigma = 0.7

    /// Smoothing in voxels for axes that are not shrunk, chosen so that every axis of both images
    /// ends up with the same blur in mm: that of the coarsest voxels of either, plus `finestSigma`
    /// of them. A sharper image compared with a blurrier one would otherwise look larger at every
    /// curved edge, which an affine transform would absorb as a scaling. Interpolation adds a
    /// blur of about 0.41 voxel (the standard deviation of the linear kernel).
    static func matchingSigmas(spacing: SIMD3<Double>, coarsestSpacing: Double) -> SIMD3<Double> {
        let interpolation = 0.41
        let target = (finestSigma * finestSigma + interpolation * interpolation).squareRoot() * coarsestSpacing
        return SIMD3((0..<3).map { axis in
            let own = interpolation * spacing[axis]
            return (max(target * target - own * own, 0)).squareRoot() / spacing[axis]
        })
    }

    /// Per-axis factors for `shrink`: relative to the finest voxel size, at least 1, and leaving
    /// at least 4 voxels along every axis that has them.
    static func axisFactors(shrink: Int, grid: VoxelGrid) -> SIMD3<Int> {
        let finest = grid.spacing.min()
        let lengths = grid.size.axes
        return SIMD3((0..<3).map { axis in
            let factor = Int((Double(shrink) * finest / grid.spacing[axis]).rounded())
            return max(1, min(factor, lengths[axis] / 4))
        })
    }

    /// `image` on a grid `factors` times coarser: voxel i of the new grid sits at the centre of the
    /// block of old voxels it replaces, `factor * i + (factor - 1) / 2`.
    private static func shrink(
        _ image: ScalarImage, by factors: SIMD3<Int>, budget: inout MemoryBudget, parallel: ParallelParts
    ) throws(UVSegError) -> ScalarImage {
        let old = image.grid.size
        let size = GridSize(i: max(1, old.i / factors.x), j: max(1, old.j / factors.y), k: max(1, old.k / factors.z))
        let scale = SIMD3<Double>(factors)
        let offset = (scale - 1) / 2
        let coarseToFine = AffineTransform(
            linear: [SIMD3(scale.x, 0, 0), SIMD3(0, scale.y, 0), SIMD3(0, 0, scale.z)], translation: offset)
        let grid = try VoxelGrid(size: size, voxelToWorld: image.grid.voxelToWorld.after(coarseToFine))
        try budget.charge(size.voxelCount, of: MemoryLayout<Float>.stride, for: "an image pyramid level")
        var voxels = [Float](repeating: 0, count: size.voxelCount)
        image.voxels.withUnsafeBufferPointer { source in
            voxels.withUnsafeMutableBufferPointer { destination in
                let pointers = UncheckedSendable(value: (source, destination))
                parallel.forEachPart(of: size.j * size.k) { _, lines in
                    let sampler = TrilinearSampler(pointers.value.0, size: (old.i, old.j, old.k))
                    for line in lines {
                        let j = line % size.j, k = line / size.j
                        for i in 0..<size.i {
                            let q = SIMD3(Double(i), Double(j), Double(k)) * scale + offset
                            pointers.value.1[i + size.i * line] = sampler.value(at: q)
                        }
                    }
                }
            }
        }
        return ScalarImage(grid: grid, voxels: voxels)
    }
}
