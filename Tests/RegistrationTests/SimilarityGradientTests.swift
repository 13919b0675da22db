import NIfTI
import RegistrationPhantom
import Testing
@testable import Registration

/// The analytic Correlation ratio gradient the optimiser follows agrees with finite differences.
@Suite("Correlation ratio gradient")
struct SimilarityGradientTests {
    @Test("the gradient with respect to the linear part and the translation matches central differences")
    func matchesFiniteDifferences() throws {
        let size = GridSize(i: 32, j: 30, k: 28)
        let affine = KnownAlignment.centredAffine(size: size, spacing: SIMD3(3.5, 3.8, 4))
        let alignment = KnownAlignment(
            phantom: HeadPhantom(semiAxes: SIMD3(44, 50, 40)),
            transform: KnownAlignment.rigid(degrees: 5, axis: SIMD3(1, 2, 3), translation: SIMD3(3, -2, 4)))
        let fixed = try alignment.fixedImage(size: size, affine: affine)
        let moving = try alignment.movingImage(size: size, affine: affine)
        let measure = CorrelationRatio(
            fixed: ScalarImage(grid: try VoxelGrid(of: fixed), voxels: fixed.voxels),
            moving: ScalarImage(grid: try VoxelGrid(of: moving), voxels: moving.voxels),
            centre: SIMD3(1, 2, -1), parallel: ParallelParts(threadCount: 2))
        let rows: [SIMD3<Double>] = [SIMD3(0.99, 0.05, 0.01), SIMD3(-0.04, 1.02, 0.03), SIMD3(0.02, -0.03, 0.98)]
        let translation = SIMD3(1.3, -0.7, 2.1)
        let evaluation = measure.evaluate(linear: rows, translation: translation)
        let largest = (evaluation.linearGradient + [evaluation.translationGradient]).map { max(-$0.min(), $0.max()) }.max()!
        for row in 0..<3 {
            for column in 0..<4 {
                let step = column < 3 ? 1e-4 : 1e-2
                func value(_ sign: Double) -> Double {
                    var r = rows, t = translation
                    if column < 3 { r[row][column] += sign * step } else { t[row] += sign * step }
                    return measure.evaluate(linear: r, translation: t).value
                }
                let numeric = (value(1) - value(-1)) / (2 * step)
                let analytic = column < 3 ? evaluation.linearGradient[row][column] : evaluation.translationGradient[row]
                #expect(abs(numeric - analytic) <= 0.01 * largest, "row \(row) column \(column)")
            }
        }
    }
}
