import Diagnostics
import NIfTI
import Registration

/// Atlas propagation's probabilities, summed one support volume at a time: per label, the
/// support volumes' shares of that label at each query voxel, averaged with the weights of a
/// `LabelFusion`.
struct AtlasFusion {
    /// The window of the local correlation that weighs support volumes, in mm: a few voxels of a
    /// 1-2 mm scan, small enough to follow where an alignment went wrong.
    static let windowSigma = 3.0
    /// Keeps every support volume's weight positive, so voxels where all correlate badly fall back
    /// to the plain mean.
    static let weightFloor: Float = 1e-3
    /// Query-sized arrays that adding one support volume holds for a moment: its weights, one
    /// label's share, and `LocalCorrelation`'s images.
    static let transientVolumes = 12

    let query: Volume
    let labels: [Int32]
    let fusion: LabelFusion
    let threads: Int
    let memoryLimit: Int
    /// Per label, the weighted sum of the shares so far; and the sum of the weights.
    private var totals: [[Float]]
    private var weightTotal: [Float]

    init(query: Volume, labels: [Int32], fusion: LabelFusion, threads: Int, memoryLimit: Int) {
        self.query = query
        self.labels = labels
        self.fusion = fusion
        self.threads = threads
        self.memoryLimit = memoryLimit
        totals = [[Float]](repeating: [Float](repeating: 0, count: query.size.voxelCount), count: labels.count)
        weightTotal = [Float](repeating: 0, count: query.size.voxelCount)
    }

    /// Adds one support volume: its label map carried onto the query through `result`, weighed by
    /// its `image` on the query's grid (needed by `.local`).
    mutating func add(_ labelMap: Volume, through result: RegistrationResult, image: Volume?) throws(UVSegError) {
        let weights: [Float]
        switch fusion {
        case .majority:
            weights = [Float](repeating: 1, count: weightTotal.count)
        case .local:
            guard let image else { throw .invalidArgument("local label fusion needs the support image") }
            let correlation = try LocalCorrelation.map(
                query, image, sigma: Self.windowSigma, threads: threads, memoryLimit: memoryLimit)
            weights = correlation.map { let c = max(0, $0); return c * c + Self.weightFloor }
        }
        for voxel in weightTotal.indices { weightTotal[voxel] += weights[voxel] }
        for (index, label) in labels.enumerated() {
            let share = try Resampler.labelShares(
                labelMap, of: [label], onto: query.size, geometry: query.geometry, through: result, memoryLimit: memoryLimit
            )[0].voxels
            for voxel in share.indices { totals[index][voxel] += weights[voxel] * share[voxel] }
        }
    }

    /// Per label, the weighted mean of the shares added (divided in place: the last use).
    mutating func probabilities() -> [[Float]] {
        for index in totals.indices {
            for voxel in weightTotal.indices where weightTotal[voxel] > 0 { totals[index][voxel] /= weightTotal[voxel] }
        }
        return totals
    }
}
