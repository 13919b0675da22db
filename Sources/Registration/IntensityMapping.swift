/// The moving intensity expected for each fixed intensity, read from two images already roughly
/// aligned: the curve that turns the fixed image into the moving one's contrast, so that the
/// deformable step can compare intensities directly even when the scans' contrast curves differ.
///
/// The fixed intensities are binned as for the correlation ratio, with which the affine step
/// aligned the images, and each bin holds a straight line (the regression of moving on fixed
/// values within the bin), so that two identical images map exactly onto each other: a constant
/// per bin would leave a step of up to half a bin that the demons forces would chase as motion.
struct IntensityMapping {
    private let minimum: Float
    private let binsPerUnit: Float
    /// Per bin: the mean fixed value, the mean moving value and the slope between them; an empty
    /// bin borrows the line of the nearest filled one.
    private let lines: [(fixed: Float, moving: Float, slope: Float)]

    /// The mapping from fixed voxels and the moving values seen at them (`seen` false: the voxel
    /// maps outside the moving grid and does not count).
    init(fixed: [Float], moving: [Float], seen: [Bool]) {
        let minimum = fixed.min() ?? 0
        let binsPerUnit = CorrelationRatio.binsPerUnit(minimum: minimum, maximum: fixed.max() ?? minimum)
        let bins = CorrelationRatio.binCount
        var n = [Double](repeating: 0, count: bins), sf = n, sm = n, sff = n, sfm = n
        for index in fixed.indices where seen[index] {
            let b = CorrelationRatio.bin(fixed[index], minimum: minimum, binsPerUnit: binsPerUnit)
            let f = Double(fixed[index]), m = Double(moving[index])
            n[b] += 1; sf[b] += f; sm[b] += m; sff[b] += f * f; sfm[b] += f * m
        }
        let own: [(fixed: Float, moving: Float, slope: Float)?] = (0..<bins).map { b in
            guard n[b] > 0 else { return nil }
            let meanF = sf[b] / n[b], meanM = sm[b] / n[b]
            let variance = sff[b] / n[b] - meanF * meanF
            let slope = n[b] >= 3 && variance > 1e-12 * max(meanF * meanF, 1e-30)
                ? (sfm[b] / n[b] - meanF * meanM) / variance : 0
            return (Float(meanF), Float(meanM), Float(slope))
        }
        let filled = own.indices.filter { own[$0] != nil }
        lines = (0..<bins).map { b in
            if let line = own[b] { return line }
            guard let nearest = filled.min(by: { abs($0 - b) < abs($1 - b) }) else { return (0, 0, 0) }
            return own[nearest]!
        }
        self.minimum = minimum
        self.binsPerUnit = binsPerUnit
    }

    /// The expected moving value for fixed value `value`.
    func callAsFunction(_ value: Float) -> Float {
        let line = lines[CorrelationRatio.bin(value, minimum: minimum, binsPerUnit: binsPerUnit)]
        return line.moving + line.slope * (value - line.fixed)
    }
}
