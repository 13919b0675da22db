import Foundation
import NIfTI
import Testing
@testable import Registration

/// Bias-field correction against fields known by construction: a head of three nested tissues of
/// constant intensity, multiplied by a smooth field.
@Suite("Bias-field correction")
struct BiasFieldCorrectionTests {
    static let size = GridSize(i: 64, j: 72, k: 56)
    static let spacing = [2.0, 2.0, 2.0]

    /// The tissue at voxel (i, j, k): 0 background, 1 fluid, 2 grey, 3 white (nested ellipsoids).
    static func tissue(_ i: Int, _ j: Int, _ k: Int) -> Int {
        let centre = SIMD3(Double(size.i - 1), Double(size.j - 1), Double(size.k - 1)) / 2
        let p = (SIMD3(Double(i), Double(j), Double(k)) - centre) / SIMD3(28, 32, 24)
        let radius = (p * p).sum().squareRoot()
        return radius > 1 ? 0 : radius > 0.85 ? 1 : radius > 0.6 ? 2 : 3
    }

    static let intensities: [Float] = [0, 0.25, 0.55, 0.85]

    /// A smooth log field of about +-0.25 over the head, on the scale of the head as a coil's is:
    /// gradients and a slow bump.
    static func logField(_ i: Int, _ j: Int, _ k: Int) -> Double {
        let x = Double(i) / Double(size.i), y = Double(j) / Double(size.j), z = Double(k) / Double(size.k)
        return 0.35 * (x - 0.5) - 0.2 * (z - 0.5) + 0.12 * cos(Double.pi * y)
    }

    static func volume(field: Bool) -> (voxels: [Float], tissues: [Int], logField: [Double]) {
        var voxels = [Float](), tissues = [Int](), logFields = [Double]()
        for k in 0..<size.k {
            for j in 0..<size.j {
                for i in 0..<size.i {
                    let label = tissue(i, j, k)
                    let log = field ? logField(i, j, k) : 0
                    voxels.append(intensities[label] * Float(exp(log)))
                    tissues.append(label)
                    logFields.append(log)
                }
            }
        }
        return (voxels, tissues, logFields)
    }

    /// The spread of log intensity within each tissue, pooled (root mean square about each mean).
    static func spreadWithinTissues(_ voxels: [Float], _ tissues: [Int]) -> Double {
        var total = 0.0, count = 0
        for label in 1...3 {
            let logs = zip(voxels, tissues).filter { $0.1 == label }.map { Foundation.log(Double($0.0)) }
            let mean = logs.reduce(0, +) / Double(logs.count)
            total += logs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            count += logs.count
        }
        return (total / Double(count)).squareRoot()
    }

    /// The least-squares slope of `y` on `x`.
    static func slope(of y: [Double], on x: [Double]) -> Double {
        let meanX = x.reduce(0, +) / Double(x.count), meanY = y.reduce(0, +) / Double(y.count)
        let xy = zip(x, y).reduce(0) { $0 + ($1.0 - meanX) * ($1.1 - meanY) }
        let xx = x.reduce(0) { $0 + ($1 - meanX) * ($1 - meanX) }
        return xy / xx
    }

    static func correlation(_ a: [Double], _ b: [Double]) -> Double {
        let meanA = a.reduce(0, +) / Double(a.count), meanB = b.reduce(0, +) / Double(b.count)
        var ab = 0.0, aa = 0.0, bb = 0.0
        for (x, y) in zip(a, b) {
            ab += (x - meanA) * (y - meanB); aa += (x - meanA) * (x - meanA); bb += (y - meanB) * (y - meanB)
        }
        return ab / (aa * bb).squareRoot()
    }

    /// The field removed must have the true one's shape and a share of its size: about 0.4 for the
    /// conservative estimate (measured), nearly all of it corrected completely.
    @Test("a smooth field over three tissues is found and removed", arguments: [(false, 0.3...1.0), (true, 0.8...1.2)])
    func recoversTheField(completely: Bool, slopes: ClosedRange<Double>) {
        let (biased, tissues, truth) = Self.volume(field: true)
        var corrected = biased
        BiasFieldCorrection.correct(&corrected, size: Self.size, spacing: Self.spacing, completely: completely)
        let before = Self.spreadWithinTissues(biased, tissues)
        let after = Self.spreadWithinTissues(corrected, tissues)
        #expect(before > 0.1)
        #expect(after < 0.7 * before, "spread within tissues \(before) -> \(after)")
        let head = tissues.indices.filter { tissues[$0] > 0 }
        let removed = head.map { Foundation.log(Double(biased[$0] / corrected[$0])) }
        let truthInHead = head.map { truth[$0] }
        #expect(Self.correlation(removed, truthInHead) > 0.97)
        let slope = Self.slope(of: removed, on: truthInHead)
        #expect(slopes.contains(slope), "slope \(slope)")
    }

    @Test("a volume without a field is left within a few per cent of itself")
    func leavesAnEvenVolumeAlone() {
        let (even, tissues, _) = Self.volume(field: false)
        var corrected = even
        BiasFieldCorrection.correct(&corrected, size: Self.size, spacing: Self.spacing)
        let ratios = tissues.indices.filter { tissues[$0] > 0 }.map { corrected[$0] / even[$0] }
        let mean = ratios.reduce(0, +) / Float(ratios.count)
        #expect(ratios.allSatisfy { abs($0 / mean - 1) < 0.05 }, "ratios \(ratios.min()!) ... \(ratios.max()!)")
    }

    @Test("NaN and infinite voxels stay as they are and count as 0 in the estimate")
    func nonFiniteVoxels() {
        let (biased, _, _) = Self.volume(field: true)
        var withHoles = biased, withZeros = biased
        for (index, value) in [(131_360, Float.nan), (131_361, .infinity), (100_000, -.infinity)] {
            withHoles[index] = value
            withZeros[index] = 0
        }
        BiasFieldCorrection.correct(&withHoles, size: Self.size, spacing: Self.spacing)
        BiasFieldCorrection.correct(&withZeros, size: Self.size, spacing: Self.spacing)
        #expect(withHoles[131_360].isNaN)
        #expect(withHoles[131_361] == .infinity && withHoles[100_000] == -.infinity)
        let others = withHoles.indices.filter { ![131_360, 131_361, 100_000].contains($0) }
        #expect(others.allSatisfy { withHoles[$0] == withZeros[$0] })
    }

    @Test("volumes without a head to tell from the background are left unchanged")
    func nothingToCorrect() {
        for (size, voxels) in [
            (Self.size, [Float](repeating: 0, count: Self.size.voxelCount)),
            (Self.size, [Float](repeating: -3, count: Self.size.voxelCount)),
            (GridSize(i: 3, j: 2, k: 2), (0..<12).map(Float.init)),
        ] {
            var corrected = voxels
            BiasFieldCorrection.correct(&corrected, size: size, spacing: Self.spacing)
            #expect(corrected == voxels)
        }
    }

    @Test("voxel sizes from a hostile header neither trap nor spread the smoothing without bound")
    func extremeVoxelSizes() {
        let (biased, _, _) = Self.volume(field: true)
        for spacing in [[1e-300, 1e-300, 1e-300], [1e300, 1e300, 1e300], [1e-30, 2, 1e30]] {
            var corrected = biased
            BiasFieldCorrection.correct(&corrected, size: Self.size, spacing: spacing)
            #expect(corrected.allSatisfy { $0.isFinite })
        }
    }

    @Test("the coarse grid is about 4 mm and its working memory is bounded without overflow")
    func coarseGrid() {
        let grid = CoarseGrid(size: GridSize(i: 193, j: 229, k: 50), spacing: [1, 1, 3.5])
        #expect(grid.factors == SIMD3(4, 4, 1))
        #expect(grid.size == GridSize(i: 48, j: 57, k: 50))
        #expect(BiasFieldCorrection.workingFloats(size: GridSize(i: 193, j: 229, k: 50), spacing: [1, 1, 3.5])
            == 48 * 57 * 50 * 16)
        // Spacings that cannot be used count as 1 mm; sizes beyond counting charge Int.max.
        #expect(CoarseGrid(size: GridSize(i: 8, j: 8, k: 8), spacing: [.nan, 0, -1]).factors == SIMD3(4, 4, 4))
        #expect(BiasFieldCorrection.workingFloats(size: GridSize(i: 1 << 40, j: 1 << 30, k: 1), spacing: [4, 4, 4])
            == Int.max)
    }
}
