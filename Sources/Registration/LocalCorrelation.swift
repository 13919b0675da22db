import Diagnostics
import NIfTI

/// The normalised cross-correlation of two images on one grid within a Gaussian window around each
/// voxel: how well they agree locally, up to a linear change of intensity. Label fusion weighs
/// each propagated atlas by it, voxel by voxel.
public enum LocalCorrelation {
    /// Per voxel, the correlation of `a` and `b` in a Gaussian window of standard deviation `sigma`
    /// millimetres, in [-1, 1]; 0 where either image is flat in the window.
    ///
    /// - Throws: `.invalidArgument` when the volumes are not on one grid; `.outOfMemory` past
    ///   `memoryLimit` (the call needs ten images' worth of floats).
    public static func map(
        _ a: Volume, _ b: Volume, sigma: Double, threads: Int = 0, memoryLimit: Int = MemoryBudget.defaultLimit
    ) throws(UVSegError) -> [Float] {
        guard a.size == b.size, a.voxels.count == a.size.voxelCount, b.voxels.count == a.voxels.count else {
            throw .invalidArgument("local correlation needs two images on one grid")
        }
        guard sigma > 0, sigma.isFinite else {
            throw .invalidArgument("the local correlation's window must be a positive number of mm, got \(sigma)")
        }
        let count = a.voxels.count
        var budget = MemoryBudget(limit: memoryLimit)
        try budget.charge(count, of: 10 * MemoryLayout<Float>.stride, for: "the local correlation's images")
        let grid = try VoxelGrid(of: a)
        let smoothing = GaussianSmoothing(sigmas: SIMD3(repeating: sigma) / grid.spacing)
        let parallel = ParallelParts(threadCount: threads == 0 ? availableCores : threads)
        var scratch = [Float](repeating: 0, count: count)
        func windowMean(_ values: [Float]) -> [Float] {
            var values = values
            smoothing.apply(to: &values, size: a.size, scratch: &scratch, parallel: parallel)
            return values
        }
        // Standardised first, so that window variances (means of squares less squared means) do
        // not cancel away in float32 for images far from 0.
        let (x, y) = (standardised(a.voxels), standardised(b.voxels))
        let meanX = windowMean(x), meanY = windowMean(y)
        let meanXX = windowMean(x.map { $0 * $0 })
        let meanYY = windowMean(y.map { $0 * $0 })
        let meanXY = windowMean(zip(x, y).map { $0 * $1 })
        return (0..<count).map { voxel in
            let varianceX = meanXX[voxel] - meanX[voxel] * meanX[voxel]
            let varianceY = meanYY[voxel] - meanY[voxel] * meanY[voxel]
            guard varianceX > flatWindow, varianceY > flatWindow else { return 0 }
            let covariance = meanXY[voxel] - meanX[voxel] * meanY[voxel]
            return min(1, max(-1, covariance / (varianceX * varianceY).squareRoot()))
        }
    }

    /// The variance, in units of the whole image's, below which a window counts as flat: it has
    /// no structure to compare (and float32 rounding would decide its correlation).
    static let flatWindow: Float = 1e-4

    /// `values` less their mean, divided by their standard deviation (left as they are if constant).
    private static func standardised(_ values: [Float]) -> [Float] {
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(max(values.count, 1))
        let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(max(values.count, 1))
        let scale = variance > 0 ? 1 / variance.squareRoot() : 1
        return values.map { Float((Double($0) - mean) * scale) }
    }
}
