#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Diagnostics

/// Rigid then affine alignment by the correlation ratio over an image pyramid, started from
/// the translation that lines up the centres of mass.
struct AffineRegistration {
    /// Pyramid levels, coarsest first, the same number for both images.
    let fixed: [ScalarImage]
    let moving: [ScalarImage]
    let options: RegistrationOptions
    let parallel: ParallelParts

    /// The transform from fixed world to moving world, and the correlation ratio it reaches on the finest level.
    func run(progress: (Double) throws(UVSegError) -> Void) throws(UVSegError) -> (AffineTransform, Double) {
        let finestFixed = fixed[fixed.count - 1]
        let centre = Self.centreOfMass(finestFixed)
        var translation = Self.centreOfMass(moving[moving.count - 1]) - centre
        var linear: [SIMD3<Double>] = [SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)]
        // Parameters are scaled to the millimetres they move a point at this distance from the centre.
        let radius = max(finestFixed.grid.corners.map { (($0 - centre) * ($0 - centre)).sum().squareRoot() }.max()! / 2, 1)

        let rigidLevels = min(options.rigidLevels, fixed.count)
        let stages = Array(repeating: false, count: rigidLevels) + Array(repeating: true, count: fixed.count)
        let levelIndices = Array(0..<rigidLevels) + Array(0..<fixed.count)
        let total = Double(stages.count * max(options.affineIterations, 1))
        var done = 0.0
        var similarity = 0.0
        for (stage, isAffine) in stages.enumerated() {
            let level = levelIndices[stage]
            let measure = CorrelationRatio(
                fixed: fixed[level], moving: moving[level], centre: centre, parallel: parallel)
            let spacing = fixed[level].grid.spacing.min()
            let optimizer = QuasiNewtonOptimizer(
                maximumIterations: options.affineIterations, maximumStep: spacing, tolerance: 0.001 * spacing)
            let afterIteration = { () throws(UVSegError) in
                done += 1
                try progress(done / total)
            }
            if isAffine {
                let start = linear.flatMap { [$0.x * radius, $0.y * radius, $0.z * radius] }
                    + [translation.x, translation.y, translation.z]
                let best = try optimizer.minimize(from: start, cost: { p throws(UVSegError) in
                    let rows = Self.rows(p, scale: 1 / radius)
                    let evaluation = measure.evaluate(linear: rows, translation: SIMD3(p[9], p[10], p[11]))
                    let gradient = evaluation.linearGradient.flatMap { [-$0.x / radius, -$0.y / radius, -$0.z / radius] }
                        + [-evaluation.translationGradient.x, -evaluation.translationGradient.y,
                           -evaluation.translationGradient.z]
                    return (-evaluation.value, gradient)
                }, afterIteration: afterIteration)
                linear = Self.rows(best, scale: 1 / radius)
                translation = SIMD3(best[9], best[10], best[11])
            } else {
                let base = linear
                let best = try optimizer.minimize(from: [0, 0, 0, translation.x, translation.y, translation.z], cost: {
                    p throws(UVSegError) in
                    let angles = SIMD3(p[0], p[1], p[2]) / radius
                    let evaluation = measure.evaluate(
                        linear: Self.multiply(Self.rotation(angles), base), translation: SIMD3(p[3], p[4], p[5]))
                    let rotationGradient = (0..<3).map { axis in
                        -Self.directional(evaluation.linearGradient, Self.rotationDerivative(angles, axis: axis), base)
                            / radius
                    }
                    return (-evaluation.value, rotationGradient + [
                        -evaluation.translationGradient.x, -evaluation.translationGradient.y,
                        -evaluation.translationGradient.z,
                    ])
                }, afterIteration: afterIteration)
                linear = Self.multiply(Self.rotation(SIMD3(best[0], best[1], best[2]) / radius), base)
                translation = SIMD3(best[3], best[4], best[5])
            }
            done = Double(stage + 1) * Double(max(options.affineIterations, 1))
            try progress(done / total)
            similarity = measure.evaluate(linear: linear, translation: translation).value
        }
        return (CorrelationRatio.transform(linear: linear, translation: translation, centre: centre), similarity)
    }

    /// The intensity-weighted centre of the image in world coordinates (weights: values above the
    /// minimum), or the grid centre of a constant image.
    static func centreOfMass(_ image: ScalarImage) -> SIMD3<Double> {
        let size = image.grid.size
        let minimum = Double(image.voxels.min() ?? 0)
        var weighted = SIMD3<Double>.zero
        var total = 0.0
        for k in 0..<size.k {
            for j in 0..<size.j {
                for i in 0..<size.i {
                    let weight = Double(image.voxels[i + size.i * (j + size.j * k)]) - minimum
                    weighted += weight * SIMD3(Double(i), Double(j), Double(k))
                    total += weight
                }
            }
        }
        guard total > 0 else { return image.grid.centre }
        return image.grid.voxelToWorld.apply(weighted / total)
    }

    /// Rows of a 3 x 3 matrix from the first nine parameters, each multiplied by `scale`.
    private static func rows(_ p: [Double], scale: Double) -> [SIMD3<Double>] {
        (0..<3).map { SIMD3(p[3 * $0], p[3 * $0 + 1], p[3 * $0 + 2]) * scale }
    }

    /// The rotation by `|angles|` radians about `angles` (Rodrigues' formula), as rows.
    static func rotation(_ angles: SIMD3<Double>) -> [SIMD3<Double>] {
        let angle = (angles * angles).sum().squareRoot()
        let identity: [SIMD3<Double>] = [SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)]
        guard angle > 1e-12 else {
            return [SIMD3(1, -angles.z, angles.y), SIMD3(angles.z, 1, -angles.x), SIMD3(-angles.y, angles.x, 1)]
        }
        let k = angles / angle
        let skew: [SIMD3<Double>] = [SIMD3(0, -k.z, k.y), SIMD3(k.z, 0, -k.x), SIMD3(-k.y, k.x, 0)]
        let skewSquared = multiply(skew, skew)
        return (0..<3).map { identity[$0] + sin(angle) * skew[$0] + (1 - cos(angle)) * skewSquared[$0] }
    }

    /// The derivative of `rotation` with respect to `angles[axis]`, by central differences (exact
    /// to about 1e-10, far below what the images resolve).
    private static func rotationDerivative(_ angles: SIMD3<Double>, axis: Int) -> [SIMD3<Double>] {
        var step = SIMD3<Double>.zero
        step[axis] = 1e-6
        let plus = rotation(angles + step), minus = rotation(angles - step)
        return (0..<3).map { (plus[$0] - minus[$0]) / 2e-6 }
    }

    /// `sum_ij gradient[i][j] * (derivative * base)[i][j]`: the chain rule through `A = R * base`.
    private static func directional(
        _ gradient: [SIMD3<Double>], _ derivative: [SIMD3<Double>], _ base: [SIMD3<Double>]
    ) -> Double {
        let product = multiply(derivative, base)
        return (0..<3).map { (gradient[$0] * product[$0]).sum() }.reduce(0, +)
    }

    /// The product of two 3 x 3 matrices given as rows.
    static func multiply(_ a: [SIMD3<Double>], _ b: [SIMD3<Double>]) -> [SIMD3<Double>] {
        (0..<3).map { row in a[row].x * b[0] + a[row].y * b[1] + a[row].z * b[2] }
    }
}
