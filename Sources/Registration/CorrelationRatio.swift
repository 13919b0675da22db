/// The correlation ratio of a moving image, seen through an affine transform, given a fixed
/// image, with its gradient with respect to the transform (Roche et al. 1998; FSL FLIRT's default
/// cost).
///
/// Why the correlation ratio: it measures how well the moving intensity is predicted by any
/// function of the fixed intensity, `CR = Var(E[m | f]) / Var(m)`, so it is exactly invariant to a
/// different contrast curve between two scans (gain, offset, gamma, windowing, even a curve that
/// is not monotonic), where normalised cross-correlation is biased as soon as the curve is not a
/// straight line. Unlike mutual information it needs no Parzen window: the fixed intensities never
/// move, so they are binned once, hard, and the exact gradient costs one pass with one
/// interpolation per voxel. Every fixed voxel counts, and moving values beyond the moving grid are
/// the moving background, so the measure cannot improve by sliding the object out of the overlap.
///
/// The transform is written `y = A (x - c) + c + t` about a fixed centre `c` (the fixed image's
/// centre of mass), which decouples rotation from translation for the optimiser.
struct CorrelationRatio {
    let fixed: ScalarImage
    let moving: ScalarImage
    let centre: SIMD3<Double>
    let parallel: ParallelParts
    /// Fixed-intensity bins, from the fixed image's minimum to its maximum: fine enough that the
    /// spread of moving values within a bin does not pull the optimum (64 bins still move it by a
    /// few tenths of a voxel under a gamma curve), coarse enough to be filled at 8 mm.
    static let binCount = 128

    /// The correlation ratio in [0, 1] and its derivatives with respect to the rows of `A` and `t`.
    struct Evaluation {
        var value: Double
        var linearGradient: [SIMD3<Double>]
        var translationGradient: SIMD3<Double>
    }

    /// The world map `x -> A (x - c) + c + t`.
    static func transform(linear rows: [SIMD3<Double>], translation: SIMD3<Double>, centre: SIMD3<Double>)
        -> AffineTransform
    {
        let linear = AffineTransform(linear: rows, translation: .zero)
        return AffineTransform(linear: rows, translation: centre + translation - linear.applyLinear(centre))
    }

    /// The bin of fixed intensity `value`, for intensities from `minimum` with `binsPerUnit`.
    @inline(__always)
    static func bin(_ value: Float, minimum: Float, binsPerUnit: Float) -> Int {
        min(max(Int((value - minimum) * binsPerUnit), 0), binCount - 1)
    }

    /// Bins per unit of intensity for values from `minimum` to `maximum`.
    static func binsPerUnit(minimum: Float, maximum: Float) -> Float {
        maximum > minimum ? Float(binCount) / (maximum - minimum) * 0.99999 : 0
    }

    /// Sums over the fixed grid, per fixed bin b: the voxel count, the sum of m, and the sum of
    /// `dm/dq_d * (u, 1)` (rows d = 0, 1, 2); over all voxels: the sum of m^2 and of
    /// `m * dm/dq_d * (u, 1)`. u = x - c, q the moving voxel coordinates.
    private struct Sums {
        var count = [Double](repeating: 0, count: CorrelationRatio.binCount)
        var m = [Double](repeating: 0, count: CorrelationRatio.binCount)
        var jacobians = [SIMD4<Double>](repeating: .zero, count: 3 * CorrelationRatio.binCount)
        var mm = 0.0
        var weightedJacobians = [SIMD4<Double>](repeating: .zero, count: 3)

        mutating func add(_ other: Sums) {
            for b in 0..<CorrelationRatio.binCount {
                count[b] += other.count[b]
                m[b] += other.m[b]
            }
            for index in jacobians.indices { jacobians[index] += other.jacobians[index] }
            mm += other.mm
            for d in 0..<3 { weightedJacobians[d] += other.weightedJacobians[d] }
        }
    }

    func evaluate(linear rows: [SIMD3<Double>], translation: SIMD3<Double>) -> Evaluation {
        let world = Self.transform(linear: rows, translation: translation, centre: centre)
        let fixedToMovingVoxel = moving.grid.worldToVoxel.after(world).after(fixed.grid.voxelToWorld)
        let sums = sumOverFixedGrid(fixedToMovingVoxel)
        let total = Double(fixed.voxels.count)
        let s = sums.m.reduce(0, +)
        let totalVariance = sums.mm - s * s / total
        var between = -s * s / total
        for b in 0..<Self.binCount where sums.count[b] > 0 { between += sums.m[b] * sums.m[b] / sums.count[b] }
        guard totalVariance > 1e-12 * max(sums.mm, 1e-30) else {
            return Evaluation(value: 0, linearGradient: [.zero, .zero, .zero], translationGradient: .zero)
        }
        let ratio = between / totalVariance
        // d between = sum_b 2 S_b / n_b dS_b - 2 S / N dS;  d total = 2 sum m dm - 2 S / N dS;
        // d ratio = (d between - ratio d total) / total.
        var voxelRows = [SIMD4<Double>](repeating: .zero, count: 3)
        for d in 0..<3 {
            var dS = SIMD4<Double>.zero
            var dBetween = SIMD4<Double>.zero
            for b in 0..<Self.binCount where sums.count[b] > 0 {
                let jacobian = sums.jacobians[3 * b + d]
                dS += jacobian
                dBetween += (2 * sums.m[b] / sums.count[b]) * jacobian
            }
            dBetween -= (2 * s / total) * dS
            let dTotal = 2 * sums.weightedJacobians[d] - (2 * s / total) * dS
            voxelRows[d] = (dBetween - ratio * dTotal) / totalVariance
        }
        // dm/dy_i = sum_d W[d][i] dm/dq_d, W the moving grid's world-to-voxel linear part.
        let w = moving.grid.worldToVoxel.linearRows
        let worldRows = (0..<3).map { i -> SIMD4<Double> in
            let first = voxelRows[0] * w[0][i]
            return first + voxelRows[1] * w[1][i] + voxelRows[2] * w[2][i]
        }
        return Evaluation(
            value: ratio, linearGradient: worldRows.map { SIMD3($0.x, $0.y, $0.z) },
            translationGradient: SIMD3(worldRows[0].w, worldRows[1].w, worldRows[2].w))
    }

    private func sumOverFixedGrid(_ fixedToMovingVoxel: AffineTransform) -> Sums {
        let size = fixed.grid.size, movingSize = moving.grid.size
        let fixedToWorld = fixed.grid.voxelToWorld
        let centre = centre, background = moving.background
        let minimum = fixed.background
        let binsPerUnit = Self.binsPerUnit(minimum: minimum, maximum: fixed.voxels.max() ?? minimum)
        return fixed.voxels.withUnsafeBufferPointer { fixedVoxels in
            moving.voxels.withUnsafeBufferPointer { movingVoxels in
                let pointers = UncheckedSendable(value: (fixedVoxels, movingVoxels))
                return parallel.sum(of: size.j * size.k, initial: Sums()) { lines in
                    let (fixedVoxels, movingVoxels) = pointers.value
                    let sampler = TrilinearSampler(
                        movingVoxels, size: (movingSize.i, movingSize.j, movingSize.k), outside: background)
                    let stepQ = fixedToMovingVoxel.column(0), stepU = fixedToWorld.column(0)
                    var sums = Sums()
                    sums.count.withUnsafeMutableBufferPointer { count in
                        sums.m.withUnsafeMutableBufferPointer { binSums in
                            sums.jacobians.withUnsafeMutableBufferPointer { jacobians in
                                var mm = 0.0
                                var weighted = (SIMD4<Double>.zero, SIMD4<Double>.zero, SIMD4<Double>.zero)
                                for line in lines {
                                    let start = SIMD3(0, Double(line % size.j), Double(line / size.j))
                                    var q = fixedToMovingVoxel.apply(start)
                                    var u = fixedToWorld.apply(start) - centre
                                    let row = fixedVoxels.baseAddress! + line * size.i
                                    for i in 0..<size.i {
                                        let b = Self.bin(row[i], minimum: minimum, binsPerUnit: binsPerUnit)
                                        let (value, gradient) = sampler.valueAndGradient(at: q)
                                        let m = Double(value)
                                        count[b] += 1
                                        binSums[b] += m
                                        mm += m * m
                                        if gradient != .zero {
                                            let u1 = SIMD4(u, 1)
                                            let jx = Double(gradient.x) * u1, jy = Double(gradient.y) * u1
                                            let jz = Double(gradient.z) * u1
                                            jacobians[3 * b] += jx
                                            jacobians[3 * b + 1] += jy
                                            jacobians[3 * b + 2] += jz
                                            weighted.0 += m * jx
                                            weighted.1 += m * jy
                                            weighted.2 += m * jz
                                        }
                                        q += stepQ
                                        u += stepU
                                    }
                                }
                                sums.mm = mm
                                sums.weightedJacobians = [weighted.0, weighted.1, weighted.2]
                            }
                        }
                    }
                    return sums
                } combine: { $0.add($1) }
            }
        }
    }
}

extension CorrelationRatio {
    /// The correlation ratio of `moving` given `fixed`, two equally long arrays of values on the
    /// same grid; 0 when `moving` is constant.
    static func ratio(fixed: [Float], moving: [Float]) -> Double {
        let minimum = fixed.min() ?? 0
        let binsPerUnit = binsPerUnit(minimum: minimum, maximum: fixed.max() ?? minimum)
        var count = [Double](repeating: 0, count: binCount), sums = [Double](repeating: 0, count: binCount)
        var s = 0.0, mm = 0.0
        for (f, m) in zip(fixed, moving) {
            let b = bin(f, minimum: minimum, binsPerUnit: binsPerUnit), m = Double(m)
            count[b] += 1
            sums[b] += m
            s += m
            mm += m * m
        }
        let total = Double(fixed.count)
        let variance = mm - s * s / total
        guard variance > 1e-12 * max(mm, 1e-30) else { return 0 }
        var between = -s * s / total
        for b in 0..<binCount where count[b] > 0 { between += sums[b] * sums[b] / count[b] }
        return between / variance
    }
}
