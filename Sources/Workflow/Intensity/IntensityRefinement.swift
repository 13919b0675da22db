#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIfTI
import Registration

/// Sharpens per-label probabilities with the query's own intensities, the way atlas-based tissue
/// classification treats an atlas (SPM's unified segmentation, FSL FAST): the probabilities are a
/// spatial prior, each class (background and every label) gets its intensity distribution in this
/// query, and each voxel's posterior weighs the prior by how likely its intensity is under each
/// class.
///
/// The network, and atlas propagation, place borders between tissues of close intensity to within a
/// voxel or two; the query's intensities say on which side each border voxel lies. Distributions
/// are histograms weighted by the current posteriors, so a class may have several intensities (a
/// background of fluid and bone, a lesion with a core), and are re-estimated for a few rounds
/// (expectation-maximisation). They are taken only near what the prior marks (a band of a few
/// voxels around it): far background (scalp, air, other organs) says nothing about a border and
/// would otherwise claim the intensities of the labels. The likelihood enters raised to a power
/// below 1, as neighbouring voxels are far from independent and a full weight overrules the
/// prior where classes overlap in intensity.
enum IntensityRefinement {
    /// Intensity bins over [0, 1].
    static let binCount = 64
    /// Standard deviation, in bins, of the Gaussian that smooths each histogram.
    static let smoothingBins = 1.0
    /// Expectation-maximisation rounds.
    static let rounds = 3
    /// The power of the likelihood against the prior.
    static let likelihoodWeight: Float = 0.3
    /// Face-neighbour steps the band of estimation reaches beyond voxels the prior labels.
    static let bandSteps = 2
    /// The least prior of a class that has any, so that intensity can still overturn a confident
    /// prior; a class of prior 0 (a label outside the field of view) stays absent.
    static let priorFloor: Float = 1e-4

    /// Replaces `probabilities` (one array per label, on a grid of `size`, each in [0, 1]) by the
    /// labels' posteriors given `intensities` (the query's, in [0, 1]: `refinementIntensities`).
    /// Afterwards the labels' values and background's (1 minus their sum) sum to 1 at every voxel.
    /// Unchanged when no voxel is labelled (no label's probability above 0.5).
    static func refine(_ probabilities: inout [[Float]], intensities: [Float], size: GridSize) {
        guard !probabilities.isEmpty else { return }
        let bins = intensities.map { UInt8(min(Int(max($0, 0) * Float(binCount)), binCount - 1)) }
        let band = Self.band(around: probabilities, size: size)
        guard band.contains(true) else { return }
        let classCount = probabilities.count + 1
        // Per class (background first) and bin, the likelihood raised to `likelihoodWeight`; the
        // first round starts from the prior alone.
        var likelihoods = [[Float]](repeating: [Float](repeating: 1, count: binCount), count: classCount)
        for _ in 0..<rounds {
            var histograms = [[Double]](repeating: [Double](repeating: 0, count: binCount), count: classCount)
            Self.sweep(&probabilities, bins: bins, likelihoods: likelihoods, replacing: false) { index, voxels, posterior in
                for (offset, voxel) in voxels.enumerated() where band[voxel] {
                    histograms[index][Int(bins[voxel])] += Double(posterior[offset])
                }
            }
            likelihoods = histograms.map { Self.density($0).map { Float(pow(Double($0), Double(likelihoodWeight))) } }
        }
        Self.sweep(&probabilities, bins: bins, likelihoods: likelihoods, replacing: true) { _, _, _ in }
    }

    /// Voxels per chunk of `sweep`: each class's values of a chunk are read in one run.
    private static let chunkSize = 4096

    /// Calls `body` with each class (0 background, then the labels), each chunk of voxels and the
    /// class's posteriors there (prior times likelihood, over their sum across classes);
    /// `replacing`: each label's values become its posteriors, in place.
    private static func sweep(
        _ probabilities: inout [[Float]], bins: [UInt8], likelihoods: [[Float]], replacing: Bool,
        _ body: (_ index: Int, _ voxels: Range<Int>, _ posterior: [Float]) -> Void
    ) {
        var background = [Float](repeating: 1, count: chunkSize)
        var totals = [Float](repeating: 0, count: chunkSize)
        var posterior = [Float](repeating: 0, count: chunkSize)
        for start in stride(from: 0, to: bins.count, by: chunkSize) {
            let voxels = start..<min(start + chunkSize, bins.count)
            for offset in 0..<voxels.count { background[offset] = 1 }
            for label in probabilities.indices {
                probabilities[label].withUnsafeBufferPointer { values in
                    for (offset, voxel) in voxels.enumerated() { background[offset] *= 1 - values[voxel] }
                }
            }
            let backgroundLikelihood = likelihoods[0]
            for (offset, voxel) in voxels.enumerated() {
                background[offset] = floored(background[offset]) * backgroundLikelihood[Int(bins[voxel])]
                totals[offset] = background[offset]
            }
            for label in probabilities.indices {
                let likelihood = likelihoods[label + 1]
                probabilities[label].withUnsafeBufferPointer { values in
                    for (offset, voxel) in voxels.enumerated() {
                        totals[offset] += floored(values[voxel]) * likelihood[Int(bins[voxel])]
                    }
                }
            }
            for offset in 0..<voxels.count { posterior[offset] = background[offset] / totals[offset] }
            body(0, voxels, posterior)
            for label in probabilities.indices {
                let likelihood = likelihoods[label + 1]
                probabilities[label].withUnsafeMutableBufferPointer { values in
                    for (offset, voxel) in voxels.enumerated() {
                        posterior[offset] = floored(values[voxel]) * likelihood[Int(bins[voxel])] / totals[offset]
                        if replacing { values[voxel] = posterior[offset] }
                    }
                }
                body(label + 1, voxels, posterior)
            }
        }
    }

    private static func floored(_ prior: Float) -> Float { prior > 0 ? max(prior, priorFloor) : 0 }

    /// A histogram smoothed by a Gaussian of `smoothingBins` (its end bins extended outwards),
    /// lifted off zero and normalised to sum 1.
    private static func density(_ histogram: [Double]) -> [Float] {
        let taps = GaussianSmoothing.taps(sigma: smoothingBins)
        let radius = taps.count / 2
        let smoothed = histogram.indices.map { bin in
            taps.indices.reduce(1e-6) { sum, tap in
                sum + Double(taps[tap]) * histogram[min(max(bin + tap - radius, 0), histogram.count - 1)]
            }
        }
        let total = smoothed.reduce(0, +)
        return smoothed.map { Float($0 / total) }
    }

    /// Voxels within `bandSteps` face-neighbour steps of a voxel where some label's probability
    /// is above 0.5.
    private static func band(around probabilities: [[Float]], size: GridSize) -> [Bool] {
        let count = probabilities[0].count
        var band = (0..<count).map { voxel in probabilities.contains { $0[voxel] > 0.5 } }
        let neighbourhood = Neighbourhood(size, .faces)
        for _ in 0..<bandSteps {
            var grown = band
            for voxel in band.indices where band[voxel] {
                neighbourhood.forEachNeighbour(of: voxel) { grown[$0] = true }
            }
            band = grown
        }
        return band
    }
}
