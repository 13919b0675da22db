import Diagnostics
import NIfTI
import RegistrationPhantom
import Testing
@testable import Registration

/// What atlas propagation and label fusion read from a registration: per-label shares and the
/// local correlation of two images.
@Suite("Label shares and local correlation")
struct LabelFusionInputsTests {
    static let size = GridSize(i: 20, j: 22, k: 18)
    static let affine = KnownAlignment.centredAffine(size: size, spacing: SIMD3(2, 2.2, 2.5))
    static let phantom = KnownAlignment(phantom: HeadPhantom(semiAxes: SIMD3(16, 18, 17)), transform: .identity)

    @Test("shares are the labels' indicators at voxel centres, and sum to at most 1 between them")
    func shares() throws {
        let labels = try Self.phantom.fixedLabels(size: Self.size, affine: Self.affine)
        let values = Set(labels.voxels).subtracting([0]).sorted().map { Int32($0) }
        #expect(values.count >= 2)
        let identity = RegistrationResult(transform: .identity, affineSimilarity: 1, similarity: 1)
        let same = try Resampler.labelShares(labels, of: values, onto: Self.size, geometry: labels.geometry, through: identity)
        for (value, share) in zip(values, same) {
            #expect(share.voxels == labels.voxels.map { $0 == Float(value) ? 1 : 0 })
        }
        // Half a voxel along i: each share is the mean of two neighbours along i.
        let shift = AffineTransform(linear: [SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)], translation: SIMD3(1, 0, 0))
        let moved = try Resampler.labelShares(
            labels, of: values, onto: Self.size, geometry: labels.geometry,
            through: RegistrationResult(transform: shift, affineSimilarity: 1, similarity: 1))
        let n = Self.size.i
        for (value, share) in zip(values, moved) {
            for index in labels.voxels.indices where index % n < n - 1 {
                let expected: Float = labels.voxels[index...(index + 1)].filter { $0 == Float(value) }.count == 1 ? 0.5
                    : labels.voxels[index] == Float(value) ? 1 : 0
                #expect(abs(share.voxels[index] - expected) < 1e-5)
            }
        }
        let totals = moved.dropFirst().reduce(moved[0].voxels) { zip($0, $1.voxels).map(+) }
        #expect(totals.allSatisfy { $0 <= 1 + 1e-6 })
    }

    @Test("an image correlates with itself and a linear change of it as 1, with its negative as -1")
    func correlation() throws {
        let image = try Self.phantom.fixedImage(size: Self.size, affine: Self.affine)
        var brighter = image, inverted = image
        brighter.voxels = image.voxels.map { 3 * $0 + 20 }
        inverted.voxels = image.voxels.map { -$0 }
        let withSelf = try LocalCorrelation.map(image, image, sigma: 3)
        let structured = withSelf.indices.filter { withSelf[$0] != 0 }
        #expect(structured.count > Self.size.voxelCount / 4)
        let withItself = try LocalCorrelation.map(image, brighter, sigma: 3)
        let withNegative = try LocalCorrelation.map(image, inverted, sigma: 3)
        #expect(structured.allSatisfy { abs(withItself[$0] - 1) < 1e-3 && abs(withNegative[$0] + 1) < 1e-3 })
    }

    @Test("images off one grid and a window that is not positive are refused")
    func refused() throws {
        let image = try Self.phantom.fixedImage(size: Self.size, affine: Self.affine)
        let other = try Self.phantom.fixedImage(size: GridSize(i: 20, j: 22, k: 17), affine: Self.affine)
        #expect(throws: UVSegError.self) { try LocalCorrelation.map(image, other, sigma: 3) }
        #expect(throws: UVSegError.self) { try LocalCorrelation.map(image, image, sigma: 0) }
        #expect(throws: UVSegError.self) { try LocalCorrelation.map(image, image, sigma: .nan) }
    }
}
