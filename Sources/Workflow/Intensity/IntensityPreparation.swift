import Diagnostics

/// How a volume's intensities are brought to the [0, 1] range the network was trained on.
///
/// Every method first treats NaN and infinite voxels as 0 (scanners and converters write them for
/// "no data"), then clips and rescales the volume as a whole, so relative contrast between slices
/// is kept. A volume with one value throughout becomes all zeros.
public enum IntensityPreparation: Sendable, Equatable {
    /// Clip to the `lower` and `upper` percentiles of the volume's voxels (0...100, linear
    /// interpolation between order statistics as numpy's default), then rescale min-max to [0, 1].
    /// Robust to the few extreme voxels MR volumes often hold.
    case percentiles(lower: Double, upper: Double)
    /// A CT window: clip to `level - width / 2 ... level + width / 2` (Hounsfield units) and rescale
    /// that range to [0, 1].
    case window(level: Double, width: Double)

    /// Clip to the 0.5th and 99.5th percentiles, then min-max.
    public static let standard = IntensityPreparation.percentiles(lower: 0.5, upper: 99.5)

    /// Throws `.invalidArgument` for percentiles outside 0...100 or not increasing, and for a
    /// window whose width is not positive or whose numbers are not finite.
    public func validate() throws(UVSegError) {
        switch self {
        case let .percentiles(lower, upper):
            guard lower.isFinite, upper.isFinite, lower >= 0, upper <= 100, lower < upper else {
                throw .invalidArgument(
                    "intensity percentiles must satisfy 0 <= lower < upper <= 100, got \(lower) and \(upper)")
            }
        case let .window(level, width):
            guard level.isFinite, width.isFinite, width > 0 else {
                throw .invalidArgument(
                    "a CT window needs a finite level and a positive width, got level \(level), width \(width)")
            }
        }
    }

    /// The voxels mapped to [0, 1] (same count and order). It holds one array of voxels at a time:
    /// the sorted copy (percentiles), then the result.
    public func prepare(_ voxels: [Float]) -> [Float] {
        let (low, high) = clipRange(of: voxels)
        guard high > low else { return [Float](repeating: 0, count: voxels.count) }
        let scale = 1 / (high - low)
        return voxels.map { Float((min(max(Double(Self.finite($0)), low), high) - low) * scale) }
    }

    /// A NaN or infinite voxel counts as 0.
    private static func finite(_ value: Float) -> Float { value.isFinite ? value : 0 }

    private func clipRange(of voxels: [Float]) -> (Double, Double) {
        switch self {
        case let .percentiles(lower, upper):
            var sorted = voxels.map(Self.finite)
            sorted.sort()
            return (
                VoxelStatistics.percentile(lower, ofSorted: sorted), VoxelStatistics.percentile(upper, ofSorted: sorted))
        case let .window(level, width):
            return (level - width / 2, level + width / 2)
        }
    }
}
