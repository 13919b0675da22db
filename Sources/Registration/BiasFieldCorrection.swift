#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIfTI

/// Removes the smooth multiplicative intensity non-uniformity of an MR volume (its "bias field",
/// from coil sensitivity), in the spirit of N3 / FAST: in the log domain the volume is a few
/// tissue classes of constant intensity plus a smooth field, so the field is estimated by
/// classifying the tissue (k-means on log intensity), smoothing what the classes leave unexplained,
/// and repeating. The network reads intensities as they are, and a field of +-15 % moves white
/// matter in one part of a brain to grey matter's level in another.
///
/// The estimate is conservative: each round smooths what the classes leave of the volume itself,
/// not of the last round's correction, and the smoothing pulls it towards the head's mean, so about
/// 40 % of a head-wide gradient is removed (`BiasFieldCorrectionTests`). Removing it in full
/// (each round adding to the last) helped real-scan white matter no more and cost grey matter
/// (`QUALITY.md`, "Bias-field correction"); `completely` does that, for an intensity model of
/// the tissue classes, which wants each class even across the head (`IntensityRefinement`).
///
/// The field is smooth (`smoothingMM`), so it is estimated on a grid of about `coarseSpacingMM`
/// voxels (block means) and carried back by trilinear interpolation: little memory and time
/// whatever the scan's resolution.
public enum BiasFieldCorrection {
    /// Standard deviation of the Gaussian that keeps the field smooth, in mm: far wider than any
    /// structure, close to the field's own scale in head coils.
    static let smoothingMM = 30.0
    /// The spacing of the grid the field is estimated on, in mm.
    static let coarseSpacingMM = 4.0
    /// Rounds of classify-then-smooth, and of k-means within each round.
    static let rounds = 6
    static let kMeansSteps = 10
    /// Tissue classes: for brain MRI, fluid, grey and white matter.
    static let classCount = 3
    /// The head: block means above this share of their 99th percentile.
    static let foregroundShare: Float = 0.15
    /// Fewer head voxels on the coarse grid than this leave the volume unchanged.
    static let smallestForeground = 64

    /// Float arrays of the coarse grid that `correct` holds at once, in values: what to charge to
    /// a memory budget besides the voxels themselves.
    public static func workingFloats(size: GridSize, spacing: [Double]) -> Int {
        let coarse = CoarseGrid(size: size, spacing: spacing)
        // Block sums (Double), means, their logarithm, the head's mask, indices (Int) and smoothing,
        // the field, a round's residual and corrected values, scratch, and sorted copies: 16 with room.
        let (count, overflow) = coarse.size.i.multipliedReportingOverflow(by: coarse.size.j)
        let (voxels, overflowAgain) = count.multipliedReportingOverflow(by: coarse.size.k)
        guard !overflow, !overflowAgain, voxels <= Int.max / 16 else { return Int.max }
        return voxels * 16
    }

    /// Divides `voxels` (laid out on `size`, i fastest, voxel sizes `spacing` in mm) by their
    /// estimated bias field, whose logarithm averages 0 over the head. NaN and infinite voxels
    /// count as 0 in the estimate and stay as they are. A volume without enough positive voxels to
    /// tell a head from its background is left unchanged. `completely`: each round smooths what the
    /// classes leave of the last round's correction and adds it to the field, as N3's iterations
    /// do, which removes nearly all of a smooth field instead of about 40 % of it.
    public static func correct(_ voxels: inout [Float], size: GridSize, spacing: [Double], completely: Bool = false) {
        let coarse = CoarseGrid(size: size, spacing: spacing)
        guard voxels.count == size.voxelCount,
              let logField = estimatedLogField(coarse.means(of: voxels, size: size), on: coarse, completely: completely)
        else { return }
        logField.withUnsafeBufferPointer { field in
            let sampler = TrilinearSampler(field, size: (coarse.size.i, coarse.size.j, coarse.size.k))
            let factors = SIMD3<Double>(coarse.factors)
            let offset = (factors - 1) / 2
            for k in 0..<size.k {
                for j in 0..<size.j {
                    let line = size.i * (j + size.j * k)
                    for i in 0..<size.i {
                        let q = (SIMD3(Double(i), Double(j), Double(k)) - offset) / factors
                        voxels[line + i] *= exp(-sampler.clampedValue(at: q))
                    }
                }
            }
        }
    }

    /// The log of the bias field on the coarse grid (mean 0 over the head), or nil when the head
    /// cannot be told from the background; `completely` as in `correct`.
    static func estimatedLogField(_ means: [Float], on coarse: CoarseGrid, completely: Bool = false) -> [Float]? {
        let high = VoxelStatistics.percentile(99, ofSorted: means.sorted())
        guard high > 0 else { return nil }
        let foreground = means.map { $0 > foregroundShare * Float(high) }
        let headIndices = foreground.indices.filter { foreground[$0] }
        guard headIndices.count >= smallestForeground else { return nil }
        let logarithm = means.map { log(max($0, .leastNormalMagnitude)) }
        // A Gaussian wider than the grid is flat on it: bounding it bounds its taps.
        let axes = coarse.size.axes
        let smoothing = GaussianSmoothing(sigmas: SIMD3((0..<3).map { axis in
            min(smoothingMM / coarse.spacing[axis], Double(axes[axis]))
        }))
        let serial = ParallelParts(threadCount: 1)
        var scratch = [Float](repeating: 0, count: means.count)
        // Normalised convolution: the smoothed residual divided by the smoothed head mask, so the
        // field near the head's edge is not pulled towards the background's 0.
        var weight = foreground.map { $0 ? Float(1) : 0 }
        smoothing.apply(to: &weight, size: coarse.size, scratch: &scratch, parallel: serial)

        var field = [Float](repeating: 0, count: means.count)
        for _ in 0..<rounds {
            let corrected = headIndices.map { logarithm[$0] - field[$0] }
            let centres = kMeansCentres(of: corrected)
            var residual = [Float](repeating: 0, count: means.count)
            for (position, index) in headIndices.enumerated() {
                let observed = completely ? corrected[position] : logarithm[index]
                residual[index] = observed - nearest(corrected[position], among: centres)
            }
            smoothing.apply(to: &residual, size: coarse.size, scratch: &scratch, parallel: serial)
            for index in field.indices {
                let smooth = weight[index] > 1e-3 ? residual[index] / weight[index] : 0
                field[index] = completely ? field[index] + smooth : smooth
            }
            let mean = headIndices.reduce(0.0) { $0 + Double(field[$1]) } / Double(headIndices.count)
            for index in field.indices { field[index] -= Float(mean) }
        }
        return field
    }

    /// One-dimensional k-means of `values`, started at their 20th to 95th percentiles; a class left
    /// empty keeps its centre.
    static func kMeansCentres(of values: [Float]) -> [Float] {
        let sorted = values.sorted()
        var centres = (0..<classCount).map { index in
            Float(VoxelStatistics.percentile(20 + 75 * Double(index) / Double(classCount - 1), ofSorted: sorted))
        }
        for _ in 0..<kMeansSteps {
            var sums = [Double](repeating: 0, count: classCount)
            var counts = [Int](repeating: 0, count: classCount)
            for value in values {
                let index = nearestIndex(value, among: centres)
                sums[index] += Double(value)
                counts[index] += 1
            }
            for index in centres.indices where counts[index] > 0 { centres[index] = Float(sums[index] / Double(counts[index])) }
        }
        return centres
    }

    private static func nearestIndex(_ value: Float, among centres: [Float]) -> Int {
        centres.indices.min { abs(value - centres[$0]) < abs(value - centres[$1]) }!
    }

    private static func nearest(_ value: Float, among centres: [Float]) -> Float {
        centres[nearestIndex(value, among: centres)]
    }
}

/// The grid the bias field is estimated on: blocks of `factors` voxels, each about
/// `BiasFieldCorrection.coarseSpacingMM` across; voxels past the last whole block are left out of
/// the means (the field there is extended from the border).
struct CoarseGrid {
    let factors: SIMD3<Int>
    let size: GridSize
    /// Block sizes in mm.
    let spacing: SIMD3<Double>

    init(size fine: GridSize, spacing fineSpacing: [Double]) {
        let lengths = fine.axes
        let spacings = (0..<3).map { axis in
            let value = axis < fineSpacing.count ? fineSpacing[axis] : 1
            return value.isFinite && value > 0 ? value : 1
        }
        // Bounded by the axis's length before it becomes an Int: a hostile header's voxel size may
        // be any positive number.
        let factors = (0..<3).map { axis in
            max(1, Int(min((BiasFieldCorrection.coarseSpacingMM / spacings[axis]).rounded(), Double(lengths[axis]))))
        }
        self.factors = SIMD3(factors)
        size = GridSize(i: max(1, lengths[0] / factors[0]), j: max(1, lengths[1] / factors[1]), k: max(1, lengths[2] / factors[2]))
        spacing = SIMD3((0..<3).map { spacings[$0] * Double(factors[$0]) })
    }

    /// The mean of each block of `voxels` (on `fine`), NaN and infinite voxels counting as 0.
    func means(of voxels: [Float], size fine: GridSize) -> [Float] {
        var sums = [Double](repeating: 0, count: size.voxelCount)
        for k in 0..<min(fine.k, size.k * factors.z) {
            for j in 0..<min(fine.j, size.j * factors.y) {
                let line = fine.i * (j + fine.j * k)
                let coarseLine = size.i * (j / factors.y + size.j * (k / factors.z))
                for i in 0..<min(fine.i, size.i * factors.x) {
                    let value = voxels[line + i]
                    if value.isFinite { sums[coarseLine + i / factors.x] += Double(value) }
                }
            }
        }
        let blockVoxels = Double(factors.x * factors.y * factors.z)
        return sums.map { Float($0 / blockVoxels) }
    }
}
