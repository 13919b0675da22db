/// The distances between the surfaces of two non-empty masks on the same box, in mm.
///
/// Both directed sets are pooled: the distance from each surface voxel of the first mask to the
/// nearest surface voxel of the second, followed by the same from the second to the first. The
/// summary statistics of this pooled set are the symmetric ones: its 95th percentile is the
/// Hausdorff 95 of MedPy (`medpy.metric.hd95`), and its mean is the average symmetric surface
/// distance of Heimann et al. (IEEE TMI 2009) and of MONAI (`compute_average_surface_distance`
/// with `symmetric=True`).
struct SurfaceDistances {
    /// The pooled distances in mm, sorted ascending.
    let sorted: [Double]

    /// Requires both masks to cover the same box and to be non-empty.
    init(between first: BinaryMask, and second: BinaryMask, spacing: SIMD3<Double>) {
        let firstSurface = first.surfaceIndices
        let secondSurface = second.surfaceIndices
        sorted = (Self.directed(from: firstSurface, to: secondSurface, of: second, spacing: spacing)
            + Self.directed(from: secondSurface, to: firstSurface, of: first, spacing: spacing)).sorted()
    }

    /// The mean of the pooled distances.
    var mean: Double { sorted.reduce(0, +) / Double(sorted.count) }

    /// The `percent`-th percentile of the pooled distances, interpolated linearly between the two
    /// nearest ranks as `numpy.percentile` does by default.
    func percentile(_ percent: Double) -> Double {
        let rank = percent / 100 * Double(sorted.count - 1)
        let below = Int(rank.rounded(.down))
        let above = min(below + 1, sorted.count - 1)
        return sorted[below] + (sorted[above] - sorted[below]) * (rank - Double(below))
    }

    /// The distance from each voxel of `surface` to the nearest voxel of `targetSurface`.
    private static func directed(
        from surface: [Int], to targetSurface: [Int], of target: BinaryMask, spacing: SIMD3<Double>
    ) -> [Double] {
        let squared = EuclideanDistanceTransform.squaredDistances(
            toNearestOf: targetSurface, in: target.size, spacing: spacing)
        return surface.map { squared[$0].squareRoot() }
    }
}
